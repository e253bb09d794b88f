// employees_records_named: the target-group persons of these organisations (index seeks by
// org_id), one list per column with the file row (sorted by the reader).
// params:
//   $org_ids :: list<string>                 the organisations
UNWIND $org_ids AS key
MATCH (o:Organisation {org_id: key})-[:EMPLOYS]->(e:EmployeeRecord)
WITH DISTINCT o, e
RETURN collect(o.org_id) AS org_id, collect(e.person_id) AS person_id,
       collect(e.start_position) AS start_position, collect(e.contract_type) AS contract_type,
       collect(e.hours_per_week) AS hours_per_week, collect(e.fulltime_hours) AS fulltime_hours,
       collect(e.months) AS months, collect(e.row) AS row
