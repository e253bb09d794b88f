// employees_records_create: employees_records: a batch none of whose keys exists yet, created (the fast path of a fresh load)
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
CREATE (o)-[:EMPLOYS]->(:EmployeeRecord {
  row: $row[i], person_id: $person_id[i], start_position: $start_position[i],
  contract_type: $contract_type[i], hours_per_week: $hours_per_week[i],
  fulltime_hours: $fulltime_hours[i], months: $months[i]})
