// organisations: the organisations with file rows in [$low, $high), one list per column with the
// file row (the reader sorts them into file order; missing numbers as NaN, missing dates as '',
// so the lists stay aligned).
// params:
//   $low :: integer                          first file row
//   $high :: integer                         first file row after the chunk
MATCH (o:Organisation) WHERE o.row >= $low AND o.row < $high
RETURN collect(o.org_id) AS org_id, collect(o.name) AS name, collect(o.employees) AS employees,
       collect(o.fte) AS fte, collect(coalesce(o.target_fte, 0.0 / 0.0)) AS target_fte,
       collect(coalesce(o.revenue_eur, 0.0 / 0.0)) AS revenue_eur, collect(o.sw) AS sw,
       collect(o.pso_level) AS pso_level,
       collect(coalesce(toString(o.pso_valid_from), '')) AS pso_valid_from,
       collect(coalesce(toString(o.pso_valid_until), '')) AS pso_valid_until,
       collect(o.qualitative_ok) AS qualitative_ok, collect(o.sbi) AS sbi,
       collect(coalesce(o.delivers, '')) AS delivers,
       collect(o.municipality) AS municipality, collect(o.postcode) AS postcode,
       collect(o.applies_code) AS applies_code,
       collect(coalesce(o.threshold, 0.0 / 0.0)) AS threshold, collect(o.row) AS row
