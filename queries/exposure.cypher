// exposure: for every organisation without an eligible certificate valid on 1 January of the
// year (SW-bedrijven left out: purchases from them count already), how much of its revenue comes from code-applying buyers in that year (holders of an
// eligible certificate valid on 1 January, applies_code true; self-purchases left out) and from
// how many of them. Distances in tiers come from exposure_next_tier, hop by hop.
// params:
//   $year :: integer                         reference year
//   $municipality :: string|null             only this municipality, case ignored (null: all)
//   $default_threshold :: float              threshold where an organisation has none of its own
//   $eligible_levels :: list<string>         (rules) certificate levels that count
MATCH (o:Organisation)
WHERE ($municipality IS NULL OR toLower(trim(o.municipality)) = toLower(trim($municipality)))
  AND NOT coalesce(o.sw, false)
  AND NOT EXISTS {
    MATCH (o)-[:HAS_CERTIFICATE]->(c:Certificate)
    WHERE c.level IN $eligible_levels
      AND (c.valid_from IS NULL OR c.valid_from <= date({year: $year, month: 1, day: 1}))
      AND (c.valid_until IS NULL OR c.valid_until >= date({year: $year, month: 1, day: 1}))
  }
CALL (o) {
  OPTIONAL MATCH (b:Organisation)-[p:BUYS_FROM]->(o)
  WHERE p.year = $year AND b <> o AND b.applies_code
    AND EXISTS {
      MATCH (b)-[:HAS_CERTIFICATE]->(c:Certificate)
      WHERE c.level IN $eligible_levels
        AND (c.valid_from IS NULL OR c.valid_from <= date({year: $year, month: 1, day: 1}))
        AND (c.valid_until IS NULL OR c.valid_until >= date({year: $year, month: 1, day: 1}))
    }
  WITH b, p ORDER BY p.row
  RETURN count(DISTINCT b) AS code_buyers, toFloat(coalesce(sum(p.amount_eur), 0.0)) AS sales
}
RETURN o.org_id AS org_id, o.name AS name, o.municipality AS municipality, o.sbi AS sbi,
       o.employees AS employees, o.revenue_eur AS revenue_eur, code_buyers,
       sales AS sales_to_code_eur,
       CASE WHEN o.revenue_eur > 0 THEN sales / o.revenue_eur END AS code_share,
       coalesce(o.threshold, $default_threshold) AS threshold, o.row AS row
ORDER BY org_id
