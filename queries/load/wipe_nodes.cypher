// wipe_nodes: delete up to $limit nodes of the graph model with their relationships; returns how many
// params:
//   $limit :: integer                         how many to delete in one transaction
MATCH (n:Organisation|Certificate|EmployeeRecord|PsoDataset)
WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n
