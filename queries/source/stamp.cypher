// stamp: the state of the database in one cheap read: the last load's stamp and whether it
// finished, and the number of nodes and relationships of each kind of the graph model (from
// Neo4j's count store: no scan). The verbs on a URI key their compiled network by it.
// params:
//   $key :: string                           the dataset node's key
OPTIONAL MATCH (d:PsoDataset {key: $key})
CALL () { MATCH (o:Organisation) RETURN count(o) AS organisations }
CALL () { MATCH (o:SWBedrijf) RETURN count(o) AS sw_organisations }
CALL () { MATCH (c:Certificate) RETURN count(c) AS certificates }
CALL () { MATCH (e:EmployeeRecord) RETURN count(e) AS employee_records }
CALL () { MATCH (s:PsoDataset) RETURN count(s) AS datasets }
CALL () { MATCH ()-[p:BUYS_FROM]->() RETURN count(p) AS purchases }
CALL () { MATCH ()-[h:HAS_CERTIFICATE]->() RETURN count(h) AS certificate_links }
CALL () { MATCH ()-[w:EMPLOYS]->() RETURN count(w) AS employment_links }
RETURN d.stamp AS stamp, d.complete AS complete, organisations, sw_organisations, certificates,
       employee_records, datasets, purchases, certificate_links, employment_links
