// dataset_write: record what was loaded on the :PsoDataset node (complete false while loading)
// params:
//   $meta :: map                              the dataset node's properties
//   $complete :: boolean                      the load finished
MERGE (d:PsoDataset {key: $meta.key})
SET d += $meta, d.complete = $complete
