// purchases: the purchases with file rows in [$low, $high), one list per column with the file
// row (the reader sorts them into file order).
// params:
//   $low :: integer                          first file row
//   $high :: integer                         first file row after the chunk
MATCH (b:Organisation)-[p:BUYS_FROM]->(s:Organisation) WHERE p.row >= $low AND p.row < $high
RETURN collect(b.org_id) AS buyer_id, collect(s.org_id) AS supplier_id,
       collect(p.amount_eur) AS amount_eur, collect(p.year) AS year,
       collect(coalesce(toString(p.date), '')) AS date, collect(p.row) AS row
