// exposure_next_tier: one hop of the breadth-first search behind exposure's distances — the
// suppliers (rows) that the organisations of the current tier bought from in the year.
// params:
//   $frontier :: list<integer>               rows of the organisations in the current tier
//   $year :: integer                         reference year
UNWIND $frontier AS r
MATCH (b:Organisation {row: r})-[p:BUYS_FROM]->(s:Organisation)
WHERE p.year = $year AND s <> b
RETURN collect(DISTINCT s.row) AS reached
