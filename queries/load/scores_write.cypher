// scores_write: the engine's scores (pso_chain.credits on the loaded dataset) set on the organisations, for Browser and Bloom
// params:
//   $org_id :: list<string>                   org_id of each organisation
//   $year :: integer                          the year scored (the latest purchase year)
//   $rules_version :: string                  the PSO rules version the scores follow
//   $total_pct :: list<float>                 total social contribution (%), credits' total_pct
//   $direct_pct :: list<float>                direct contribution (%)
//   $indirect_counted_pct :: list<float>      indirect contribution counted (%), after the cap
//   $trede :: list<integer|null>              trede reached (null: none; the property is then absent)
// Scores are computed by the engine in Python and only stored here: no rule is computed in Cypher.
UNWIND range(0, size($org_id) - 1) AS i
MATCH (o:Organisation {org_id: $org_id[i]})
SET o.score_year = $year, o.score_rules = $rules_version, o.score_total_pct = $total_pct[i],
    o.score_direct_pct = $direct_pct[i], o.score_indirect_counted_pct = $indirect_counted_pct[i],
    o.score_trede = $trede[i]
