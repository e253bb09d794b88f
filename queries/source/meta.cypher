// meta: what the last load recorded on the :PsoDataset node (tables, files, first rows, years,
// counts, whether it finished), and which optional tables a graph written by other means has.
// params:
//   $key :: string                           the dataset node's key
OPTIONAL MATCH (d:PsoDataset {key: $key})
RETURN properties(d) AS meta,
       EXISTS { MATCH (:Organisation) } AS any_organisation,
       EXISTS { MATCH (:Certificate {source: 'certifications'}) } AS any_certification,
       EXISTS { MATCH (:EmployeeRecord) } AS any_record
