// employees_records_present: employees_records: how many of a batch's keys exist already (0: the batch takes the CREATE path)
// params:
//   $row :: list<integer>                     file rows of the batch (the keys)
UNWIND $row AS key MATCH (e:EmployeeRecord {row: key}) RETURN count(e) AS n
