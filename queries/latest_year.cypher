// latest_year: the latest purchase year in the database (the verbs' default year).
// params: none
MATCH ()-[p:BUYS_FROM]->()
RETURN max(p.year) AS year
