// municipalities: every municipality in the data with its number of organisations.
// params: none
MATCH (o:Organisation)
RETURN o.municipality AS municipality, count(o) AS organisations
ORDER BY municipality
