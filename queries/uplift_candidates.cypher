// uplift_candidates: the suppliers where a new purchase by the buyer would count and earn
// credit — not the buyer, an SW-bedrijf or an eligible certificate valid on the purchase date
// (undated: on some day of the year), target-group FTE > 0 and a known revenue — highest yield
// (target-group FTE per euro of revenue) first, ties by org_id. Read as many as needed.
// params:
//   $org_id :: string                        the buyer
//   $year :: integer                         reference year
//   $on :: date|null                         date of the new purchase (null: undated, in the year)
//   $eligible_levels :: list<string>         (rules) certificate levels whose purchases count
//   $start_position_weights :: map<float>    (rules) start position code -> weight
//   $contract_type_weights :: map<float>     (rules) contract type code -> weight
//   $months_per_year :: float                (rules) months in a year
MATCH (s:Organisation)
WHERE s.org_id <> $org_id AND s.revenue_eur IS NOT NULL
  AND (s:SWBedrijf OR EXISTS {
    MATCH (s)-[:HAS_CERTIFICATE]->(c:Certificate)
    WHERE c.level IN $eligible_levels
      AND (c.valid_from IS NULL
           OR c.valid_from <= coalesce($on, date({year: $year, month: 12, day: 31})))
      AND (c.valid_until IS NULL
           OR c.valid_until >= coalesce($on, date({year: $year, month: 1, day: 1})))
  })
CALL (s) {
  OPTIONAL MATCH (s)-[:EMPLOYS]->(e:EmployeeRecord)
  WITH e ORDER BY e.row
  RETURN count(e) AS records,
         sum($start_position_weights[e.start_position] * $contract_type_weights[e.contract_type]
             * (e.hours_per_week / e.fulltime_hours) * (e.months / $months_per_year)) AS record_fte
}
WITH s, CASE WHEN records > 0 THEN toFloat(record_fte) ELSE s.target_fte END AS target_fte
WITH s, target_fte, target_fte / s.revenue_eur AS yield_per_eur
WHERE yield_per_eur > 0
RETURN s.org_id AS org_id, s.revenue_eur AS revenue_eur, yield_per_eur
ORDER BY yield_per_eur DESC, org_id
