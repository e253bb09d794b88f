// code_applying: the organisations applying the social purchasing code in round 0 of a year —
// an eligible certificate valid on 1 January and applies_code true — as rows and org_ids.
// params:
//   $year :: integer                         reference year
//   $eligible_levels :: list<string>         (rules) certificate levels that count
MATCH (b:Organisation)
WHERE b.applies_code AND EXISTS {
  MATCH (b)-[:HAS_CERTIFICATE]->(c:Certificate)
  WHERE c.level IN $eligible_levels
    AND (c.valid_from IS NULL OR c.valid_from <= date({year: $year, month: 1, day: 1}))
    AND (c.valid_until IS NULL OR c.valid_until >= date({year: $year, month: 1, day: 1}))
}
RETURN b.row AS row, b.org_id AS org_id
ORDER BY row
