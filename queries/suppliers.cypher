// suppliers: every organisation whose sales count on a date — an SW-bedrijf, or an eligible
// certificate valid that day — with its level that day, the end of its unbroken certification
// (renewals that start by the day after the previous end extend it; empty when open-ended or
// for an SW-bedrijf without one) and its yield: target-group FTE per million euro of revenue.
// params:
//   $on :: date                              the date the purchases would be made
//   $sbi :: string|null                      SBI code prefix of the own code or one delivered (null: any)
//   $municipalities :: list<string>|null     municipalities in lower case, any of them (null: anywhere)
//   $min_level :: string|null                lowest certificate level valid on the date
//   $exclude :: string|null                  an org_id left out (the buyer: self-purchases never count)
//   $eligible_levels :: list<string>         (rules) certificate levels whose purchases count
//   $all_levels :: list<string>              (rules) every level, lowest first
//   $start_position_weights :: map<float>    (rules) start position code -> weight
//   $contract_type_weights :: map<float>     (rules) contract type code -> weight
//   $months_per_year :: float                (rules) months in a year
MATCH (s:Organisation)
WHERE ($exclude IS NULL OR s.org_id <> $exclude)
  AND ($sbi IS NULL OR s.sbi STARTS WITH $sbi
       OR any(c IN split(coalesce(s.delivers, ''), ';') WHERE c <> '' AND c STARTS WITH $sbi))
  AND ($municipalities IS NULL OR toLower(trim(s.municipality)) IN $municipalities)
CALL (s) {
  OPTIONAL MATCH (s)-[:HAS_CERTIFICATE]->(c:Certificate)
  WITH c ORDER BY c.valid_from IS NOT NULL, c.valid_from, c.row
  RETURN collect(c {.level, .valid_from, .valid_until, eligible: c.level IN $eligible_levels,
                    rank: [i IN range(0, size($all_levels) - 1) WHERE $all_levels[i] = c.level][0]})
           AS certs
}
WITH s, certs,
     [c IN certs WHERE (c.valid_from IS NULL OR c.valid_from <= $on)
                   AND (c.valid_until IS NULL OR c.valid_until >= $on)] AS valid
WITH s, certs, valid, [c IN valid WHERE c.eligible] AS counting,
     reduce(best = -1, c IN valid | CASE WHEN c.rank > best THEN c.rank ELSE best END) AS rank
WHERE (s.sw OR size(counting) > 0)
  AND ($min_level IS NULL
       OR rank >= [i IN range(0, size($all_levels) - 1) WHERE $all_levels[i] = $min_level][0])
WITH s, certs, counting, rank,
     reduce(state = {until: null, open: false}, c IN counting |
       CASE WHEN c.valid_until IS NULL THEN {until: null, open: true}
            WHEN state.open THEN state
            WHEN state.until IS NULL OR c.valid_until > state.until
              THEN {until: c.valid_until, open: false}
            ELSE state END) AS start
// chain renewals: one pass over the eligible certificates in order of start date
WITH s, counting, rank,
     CASE WHEN size(counting) = 0 THEN start ELSE
       reduce(state = start, c IN [c IN certs WHERE c.eligible] |
         CASE WHEN state.open THEN state
              WHEN (c.valid_from IS NULL OR c.valid_from <= state.until + duration({days: 1}))
                   AND (c.valid_until IS NULL OR c.valid_until > state.until)
                THEN {until: c.valid_until, open: c.valid_until IS NULL}
              ELSE state END) END AS chained
CALL (s) {
  OPTIONAL MATCH (s)-[:EMPLOYS]->(e:EmployeeRecord)
  WITH e ORDER BY e.row
  RETURN count(e) AS records,
         sum($start_position_weights[e.start_position] * $contract_type_weights[e.contract_type]
             * (e.hours_per_week / e.fulltime_hours) * (e.months / $months_per_year)) AS record_fte
}
WITH s, rank, chained, size(counting) > 0 AS certified,
     CASE WHEN records > 0 THEN toFloat(record_fte) ELSE s.target_fte END AS target_fte
RETURN s.org_id AS org_id, s.name AS name,
       CASE WHEN rank >= 0 THEN $all_levels[rank] ELSE '' END AS level, s.sw AS sw,
       CASE WHEN certified AND NOT chained.open THEN toString(chained.until) END AS valid_until,
       s.sbi AS sbi, coalesce(s.delivers, '') AS delivers, s.municipality AS municipality, s.postcode AS postcode,
       s.revenue_eur AS revenue_eur, target_fte,
       CASE WHEN s.revenue_eur IS NOT NULL THEN 1e6 * target_fte / s.revenue_eur END
         AS yield_fte_per_meur,
       CASE WHEN s.revenue_eur IS NOT NULL THEN target_fte / s.revenue_eur ELSE 0.0 END
         AS yield_per_eur
ORDER BY yield_fte_per_meur DESC, org_id
