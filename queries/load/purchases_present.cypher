// purchases_present: purchases: how many of a batch's keys exist already (0: the batch takes the CREATE path)
// params:
//   $low :: integer                           lowest file row of the batch
//   $high :: integer                          highest file row of the batch
MATCH ()-[p:BUYS_FROM]->() WHERE p.row >= $low AND p.row <= $high RETURN count(p) AS n
