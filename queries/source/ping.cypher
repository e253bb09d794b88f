// ping: one row, to check the connection and the database before any work.
// params: none
RETURN 1 AS one
