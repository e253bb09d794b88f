// certificates_present: certificates: how many of a batch's keys exist already (0: the batch takes the CREATE path)
// params:
//   $key :: list<string>                      keys of the batch
UNWIND $key AS key MATCH (c:Certificate {key: key}) RETURN count(c) AS n
