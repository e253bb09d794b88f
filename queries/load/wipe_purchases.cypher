// wipe_purchases: delete up to $limit purchases (BUYS_FROM); returns how many
// params:
//   $limit :: integer                         how many to delete in one transaction
MATCH ()-[p:BUYS_FROM]->() WITH p LIMIT $limit DELETE p RETURN count(*) AS n
