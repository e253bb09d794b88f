// credits: the PSO score of every organisation in one year — the scoring contract (docs/contract.md) in Cypher.
// Direct: target-group FTE (employees_records win over the target_fte column) / fte.
// Indirect: sum over eligible BUYS_FROM of the year of amount * supplier target_fte / supplier
// revenue; eligible = another organisation that is an SW-bedrijf or holds a certificate of an
// eligible level valid on the purchase date (undated: on any day of the year). Then the cap,
// norms interpolated between the rules' rows, trede and PSO 30+. Sums run in file-row order,
// as the in-memory engine adds them, so both give the same bits.
// params:
//   $year :: integer                         reference year
//   $org_ids :: list<string>|null            only these organisations (null: every one)
//   $eligible_levels :: list<string>         (rules) certificate levels whose purchases count
//   $max_indirect_share :: float             (rules) s: counted indirect <= direct * s / (1 - s)
//   $norm_sizes :: list<float>               (rules) sizes of the published norm rows
//   $norm_trede1 :: list<float>              (rules) trede 1 norm per row (percent)
//   $norm_trede2 :: list<float>              (rules) trede 2 norm per row (percent)
//   $norm_trede3 :: list<float>              (rules) trede 3 norm per row (percent)
//   $pso30plus_direct_pct :: float           (rules) PSO 30+ threshold on direct_pct
//   $start_position_weights :: map<float>    (rules) start position code -> weight
//   $contract_type_weights :: map<float>     (rules) contract type code -> weight
//   $months_per_year :: float                (rules) months in a year
// Pass 1: every organisation's target FTE and yield per euro, in a list by row (rows are
// consecutive, see docs/neo4j.md), so pass 2 looks suppliers up instead of recomputing them.
MATCH (x:Organisation)
CALL (x) {
  OPTIONAL MATCH (x)-[:EMPLOYS]->(e:EmployeeRecord)
  WITH e ORDER BY e.row
  RETURN count(e) AS records,
         sum($start_position_weights[e.start_position] * $contract_type_weights[e.contract_type]
             * (e.hours_per_week / e.fulltime_hours) * (e.months / $months_per_year)) AS record_fte
}
WITH x, CASE WHEN records > 0 THEN toFloat(record_fte) ELSE x.target_fte END AS target
ORDER BY x.row
WITH min(x.row) AS first_row, collect(target) AS targets,
     collect(CASE WHEN x.revenue_eur IS NULL THEN 0.0 ELSE target / x.revenue_eur END) AS yields
// Pass 2: each organisation's eligible purchases of the year, summed in file-row order.
MATCH (o:Organisation)
WHERE $org_ids IS NULL OR o.org_id IN $org_ids
CALL (o, first_row, yields) {
  OPTIONAL MATCH (o)-[p:BUYS_FROM]->(s:Organisation)
  WHERE p.year = $year AND s <> o
    AND (s:SWBedrijf OR EXISTS {
      MATCH (s)-[:HAS_CERTIFICATE]->(c:Certificate)
      WHERE c.level IN $eligible_levels
        AND (c.valid_from IS NULL
             OR c.valid_from <= coalesce(p.date, date({year: p.year, month: 12, day: 31})))
        AND (c.valid_until IS NULL
             OR c.valid_until >= coalesce(p.date, date({year: p.year, month: 1, day: 1})))
    })
  WITH p, yields[s.row - first_row] AS yield_per_eur
  ORDER BY p.row
  RETURN toFloat(sum(p.amount_eur * yield_per_eur)) AS indirect_fte
}
WITH o, targets[o.row - first_row] AS target_fte, indirect_fte
WITH o, target_fte, indirect_fte, toFloat(o.employees) AS size_,
     100 * target_fte / o.fte AS direct_pct,
     100 * indirect_fte / (o.fte + indirect_fte) AS indirect_pct
WITH o, target_fte, indirect_fte, size_, direct_pct, indirect_pct,
     direct_pct * $max_indirect_share / (1 - $max_indirect_share) AS cap,
     size([v IN $norm_sizes WHERE v <= size_]) - 1 AS j
WITH o, target_fte, indirect_fte, direct_pct, indirect_pct, cap,
     CASE WHEN indirect_pct <= cap THEN indirect_pct ELSE cap END AS counted,
     [t IN [$norm_trede1, $norm_trede2, $norm_trede3] |
       CASE WHEN j < 0 THEN t[0]
            WHEN j >= size($norm_sizes) - 1 THEN t[-1]
            WHEN $norm_sizes[j] = size_ THEN t[j]
            ELSE (t[j + 1] - t[j]) / ($norm_sizes[j + 1] - $norm_sizes[j]) * (size_ - $norm_sizes[j]) + t[j]
       END] AS norms
WITH o, target_fte, indirect_fte, direct_pct, indirect_pct, cap, counted, norms,
     direct_pct + counted AS total_pct
RETURN o.org_id AS org_id, o.name AS name, $year AS year, o.employees AS employees, o.fte AS fte,
       target_fte, direct_pct, indirect_fte, indirect_pct, counted AS indirect_counted_pct,
       total_pct, norms[0] AS norm_trede1, norms[1] AS norm_trede2, norms[2] AS norm_trede3,
       CASE WHEN NOT o.qualitative_ok THEN null
            WHEN total_pct >= norms[2] THEN 3
            WHEN total_pct >= norms[1] THEN 2
            WHEN total_pct >= norms[0] THEN 1
       END AS trede,
       indirect_pct > cap AS cap_applied,
       (direct_pct >= $pso30plus_direct_pct AND o.qualitative_ok) AS pso30plus
ORDER BY org_id
