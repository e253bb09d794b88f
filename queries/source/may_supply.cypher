// may_supply: the org_ids of the organisations where a purchase on some day in [$lo, $hi] may
// count — SW-bedrijven and holders of a certificate of a level that counts valid on such a day
// (a selection only: the engine decides; suppliers and uplift read no other suppliers).
// params:
//   $lo :: date                              first day
//   $hi :: date                              last day
//   $eligible_levels :: list<string>         (rules) certificate levels whose purchases count
MATCH (s:Organisation)
WHERE s:SWBedrijf OR EXISTS {
  MATCH (s)-[:HAS_CERTIFICATE]->(c:Certificate)
  WHERE c.level IN $eligible_levels
    AND (c.valid_from IS NULL OR c.valid_from <= $hi)
    AND (c.valid_until IS NULL OR c.valid_until >= $lo)
}
RETURN collect(s.org_id) AS org_ids
