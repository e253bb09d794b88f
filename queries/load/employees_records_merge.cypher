// employees_records_merge: employees_records: a batch MERGEd on its keys, properties set (a second load changes nothing)
// params:
//   $row :: list<integer>                     file row (the key)
//   $org :: list<string>                      element id of the organisation
//   $person_id :: list<string>                person
//   $start_position :: list<string>           code
//   $contract_type :: list<string>            code
//   $hours_per_week :: list<float>            hours
//   $fulltime_hours :: list<float>            hours
//   $months :: list<float>                    months
UNWIND range(0, size($row) - 1) AS i
MATCH (o) WHERE elementId(o) = $org[i]
MERGE (e:EmployeeRecord {row: $row[i]})
SET e.person_id = $person_id[i], e.start_position = $start_position[i],
    e.contract_type = $contract_type[i], e.hours_per_week = $hours_per_week[i],
    e.fulltime_hours = $fulltime_hours[i], e.months = $months[i]
MERGE (o)-[:EMPLOYS]->(e)
