// stamp_write: after a complete load, stamp the :PsoDataset node with what was loaded (a hash
// of the tables and the rules) and how many loads it has seen; the verbs on a URI key their
// compiled network by it (with the counts and the last transaction). Returns the stamp.
// params:
//   $key :: string                            the dataset node's key
//   $content :: string                        hash of the loaded tables and rules
MATCH (d:PsoDataset {key: $key})
WITH d, coalesce(d.loads, 0) + 1 AS loads
SET d.loads = loads, d.stamp = $content + ':' + toString(loads)
RETURN d.stamp AS stamp
