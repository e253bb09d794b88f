// purchases_of_year: every purchase of one year, with the file row (exposure: the supplier view of
// the year and its tiers).
// params:
//   $year :: integer                         reference year
MATCH (b:Organisation)-[p:BUYS_FROM]->(s:Organisation) WHERE p.year = $year
RETURN collect(b.org_id) AS buyer_id, collect(s.org_id) AS supplier_id,
       collect(p.amount_eur) AS amount_eur, collect(p.year) AS year,
       collect(coalesce(toString(p.date), '')) AS date, collect(p.row) AS row
