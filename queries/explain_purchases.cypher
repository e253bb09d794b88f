// explain_purchases: one organisation's purchases in a year, in file-row order, each with
// whether it counts as social purchasing, why (or why not), and the indirect FTE it earns.
// params:
//   $org_id :: string                        the buying organisation
//   $year :: integer                         reference year
//   $eligible_levels :: list<string>         (rules) certificate levels whose purchases count
//   $start_position_weights :: map<float>    (rules) start position code -> weight
//   $contract_type_weights :: map<float>     (rules) contract type code -> weight
//   $months_per_year :: float                (rules) months in a year
MATCH (o:Organisation {org_id: $org_id})-[p:BUYS_FROM]->(s:Organisation)
WHERE p.year = $year
WITH o, p, s,
     coalesce(p.date, date({year: p.year, month: 1, day: 1})) AS lo,
     coalesce(p.date, date({year: p.year, month: 12, day: 31})) AS hi
CALL (s) {
  OPTIONAL MATCH (s)-[:HAS_CERTIFICATE]->(c:Certificate)
  WITH c ORDER BY c.valid_from IS NOT NULL, c.valid_from, c.row
  RETURN collect(c {.level, .valid_from, .valid_until,
                    eligible: c.level IN $eligible_levels}) AS certs
}
CALL (s) {
  OPTIONAL MATCH (s)-[:EMPLOYS]->(x:EmployeeRecord)
  WITH x ORDER BY x.row
  RETURN count(x) AS supplier_records,
         sum($start_position_weights[x.start_position] * $contract_type_weights[x.contract_type]
             * (x.hours_per_week / x.fulltime_hours) * (x.months / $months_per_year))
           AS supplier_record_fte
}
WITH o, p, s, lo, hi, certs,
     CASE WHEN supplier_records > 0 THEN toFloat(supplier_record_fte)
          ELSE s.target_fte END AS supplier_target,
     [c IN certs WHERE c.eligible] AS eligible
WITH o, p, s, lo, hi, certs, supplier_target, eligible,
     s <> o AND (s:SWBedrijf OR any(c IN eligible WHERE (c.valid_from IS NULL OR c.valid_from <= hi)
                                                  AND (c.valid_until IS NULL OR c.valid_until >= lo)))
       AS counted,
     reduce(last = null, c IN [c IN eligible WHERE c.valid_until IS NOT NULL AND c.valid_until < lo] |
            CASE WHEN last IS NULL OR c.valid_until > last.valid_until THEN c ELSE last END) AS ended,
     reduce(first = null, c IN [c IN eligible WHERE c.valid_from IS NOT NULL AND c.valid_from > hi] |
            CASE WHEN first IS NULL OR c.valid_from < first.valid_from THEN c ELSE first END) AS starts,
     CASE WHEN p.date IS NULL THEN 'on any day of ' + toString(p.year) + ' (purchase has no date)'
          ELSE 'on ' + toString(p.date) END AS when_
WITH o, p, s, certs, supplier_target, eligible, counted, ended, starts, when_,
     reduce(text = '', level IN COLLECT { UNWIND certs AS c RETURN DISTINCT c.level AS l ORDER BY l } |
            text + CASE WHEN text = '' THEN '' ELSE ', ' END + level) AS levels
RETURN p.row AS row, s.org_id AS supplier_id, s.name AS supplier_name,
       toString(p.date) AS date, p.amount_eur AS amount_eur, counted,
       CASE
         WHEN counted AND s:SWBedrijf THEN 'SW-bedrijf'
         WHEN counted THEN 'supplier holds a valid certificate'
         WHEN s = o THEN 'self-purchase (buyer and supplier are the same organisation)'
         WHEN size(certs) = 0 THEN 'supplier is not certified and not an SW-bedrijf'
         WHEN size(eligible) = 0
           THEN "supplier's certificate level (" + levels + ") does not count under these rules"
         WHEN ended IS NOT NULL
           THEN "supplier's certificate (level " + ended.level + ') expired on '
                + toString(ended.valid_until) + ', not valid ' + when_
         WHEN starts IS NOT NULL
           THEN "supplier's certificate (level " + starts.level + ') starts on '
                + toString(starts.valid_from) + ', not valid ' + when_
         ELSE 'supplier holds no valid certificate ' + when_
       END AS reason,
       s.revenue_eur AS supplier_revenue_eur, supplier_target AS supplier_target_fte,
       CASE WHEN NOT counted THEN 0.0
            WHEN s.revenue_eur IS NULL THEN 0.0
            ELSE p.amount_eur * (supplier_target / s.revenue_eur) END AS indirect_fte
ORDER BY row
