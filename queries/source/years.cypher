// years: the purchase years in the database (for a graph whose :PsoDataset node does not list them).
// params: none
MATCH ()-[p:BUYS_FROM]->()
RETURN collect(DISTINCT p.year) AS years
