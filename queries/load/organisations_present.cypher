// organisations_present: organisations: how many of a batch's keys exist already (0: the batch takes the CREATE path)
// params:
//   $org_id :: list<string>                   org_ids of the batch (the keys)
UNWIND $org_id AS key MATCH (o:Organisation {org_id: key}) RETURN count(o) AS n
