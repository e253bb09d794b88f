// await_indexes: wait (up to 600 s) until every index and constraint is online.
// params: none
CALL db.awaitIndexes(600)
