// stamp_write: after a complete load, stamp the :PsoDataset node with what was loaded: a hash
// of the tables and the rules (loading the same folder again changes nothing). The verbs on a
// URI key their compiled network by it, with the counts and the last transaction.
// params:
//   $key :: string                            the dataset node's key
//   $stamp :: string                          hash of the loaded tables and rules
MATCH (d:PsoDataset {key: $key})
SET d.stamp = $stamp
RETURN d.stamp AS stamp
