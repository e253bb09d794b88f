// purchases_may_count: the purchases of one year that may count as social purchasing, in file
// order — from another organisation that is an SW-bedrijf or holds a certificate of a level
// that counts, in any period (a selection only: the engine decides which rows count).
// params:
//   $year :: integer                         reference year
//   $eligible_levels :: list<string>         (rules) certificate levels whose purchases count
MATCH (s:Organisation)
WHERE s:SWBedrijf OR EXISTS {
  MATCH (s)-[:HAS_CERTIFICATE]->(c:Certificate) WHERE c.level IN $eligible_levels
}
MATCH (b:Organisation)-[p:BUYS_FROM]->(s) WHERE p.year = $year AND b <> s
RETURN collect(b.org_id) AS buyer_id, collect(s.org_id) AS supplier_id,
       collect(p.amount_eur) AS amount_eur, collect(p.year) AS year,
       collect(coalesce(toString(p.date), '')) AS date, collect(p.row) AS row
