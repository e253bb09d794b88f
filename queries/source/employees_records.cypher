// employees_records: the target-group persons (of these organisations, or of all), in file
// order, one list per column.
// params:
//   $org_ids :: list<string>|null            only these organisations (null: all)
MATCH (o:Organisation)-[:EMPLOYS]->(e:EmployeeRecord)
WHERE $org_ids IS NULL OR o.org_id IN $org_ids
RETURN collect(o.org_id) AS org_id, collect(e.person_id) AS person_id,
       collect(e.start_position) AS start_position, collect(e.contract_type) AS contract_type,
       collect(e.hours_per_week) AS hours_per_week, collect(e.fulltime_hours) AS fulltime_hours,
       collect(e.months) AS months, collect(e.row) AS row
