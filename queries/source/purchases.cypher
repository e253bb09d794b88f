// purchases: the purchases of the buyers with organisation file rows in [$low, $high), one list
// per column with the purchase's file row (the reader sorts them into file order). Chunked by
// buyer: the Organisation.row index finds the buyers and their relationships are followed, so
// reading every purchase needs no index on BUYS_FROM.row (a bulk import leaves that constraint
// to the first transactional update).
// params:
//   $low :: integer                          first organisation file row
//   $high :: integer                         first organisation file row after the chunk
MATCH (b:Organisation) WHERE b.row >= $low AND b.row < $high
MATCH (b)-[p:BUYS_FROM]->(s:Organisation)
RETURN collect(b.org_id) AS buyer_id, collect(s.org_id) AS supplier_id,
       collect(p.amount_eur) AS amount_eur, collect(p.year) AS year,
       collect(coalesce(toString(p.date), '')) AS date, collect(p.row) AS row
