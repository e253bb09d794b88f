// purchases_of_buyer: one buyer's purchases of one year, with the file row (explain, uplift and the
// gain columns of suppliers need no more of the purchases).
// params:
//   $buyer :: string                         org_id of the buyer
//   $year :: integer                         reference year
MATCH (b:Organisation {org_id: $buyer})-[p:BUYS_FROM]->(s:Organisation) WHERE p.year = $year
RETURN collect(b.org_id) AS buyer_id, collect(s.org_id) AS supplier_id,
       collect(p.amount_eur) AS amount_eur, collect(p.year) AS year,
       collect(coalesce(toString(p.date), '')) AS date, collect(p.row) AS row
