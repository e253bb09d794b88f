// purchase_years: how many purchase rows each year has (the years a verb can be asked about).
// params: none
MATCH ()-[p:BUYS_FROM]->()
RETURN p.year AS year, count(p) AS purchases
ORDER BY year
