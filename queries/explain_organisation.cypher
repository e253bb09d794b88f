// explain_organisation: one organisation's own figures and its target-group persons (the direct
// contribution's records, each with its weight), for `explain`.
// params:
//   $org_id :: string                        the organisation
//   $start_position_weights :: map<float>    (rules) start position code -> weight
//   $contract_type_weights :: map<float>     (rules) contract type code -> weight
//   $months_per_year :: float                (rules) months in a year
MATCH (o:Organisation {org_id: $org_id})
CALL (o) {
  OPTIONAL MATCH (o)-[:EMPLOYS]->(e:EmployeeRecord)
  WITH e ORDER BY e.row
  WITH e, $start_position_weights[e.start_position] AS sp_weight,
       $contract_type_weights[e.contract_type] AS ct_weight
  RETURN collect(e {row: e.row, person_id: e.person_id, start_position: e.start_position,
                    start_position_weight: sp_weight, contract_type: e.contract_type,
                    contract_weight: ct_weight, hours_per_week: e.hours_per_week,
                    fulltime_hours: e.fulltime_hours, months: e.months,
                    weighted_fte: sp_weight * ct_weight * (e.hours_per_week / e.fulltime_hours)
                                  * (e.months / $months_per_year)}) AS persons
}
RETURN o.org_id AS org_id, o.name AS name, o.employees AS employees, o.fte AS fte, o.sw AS sw,
       o.pso_level AS pso_level, o.qualitative_ok AS qualitative_ok,
       o.municipality AS municipality, o.sbi AS sbi, persons
