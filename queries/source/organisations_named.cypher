// organisations_named: the organisations with these org_ids (unknown ones left out), in file
// order, one list per column as in organisations.
// params:
//   $org_ids :: list<string>                 the organisations
UNWIND $org_ids AS key
MATCH (o:Organisation {org_id: key})
WITH DISTINCT o
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
