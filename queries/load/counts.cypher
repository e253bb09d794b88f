// counts: how many nodes and relationships of each kind of the graph model the database holds
// (checked against the dataset after every load; each link count must equal its node count).
// Every count is read from the count store (one label, or one type with unlabelled ends): no scan.
// params: none
CALL () { MATCH (o:Organisation) RETURN count(o) AS organisations }
CALL () { MATCH (o:SWBedrijf) RETURN count(o) AS sw_organisations }
CALL () { MATCH (c:Certificate) RETURN count(c) AS certificates }
CALL () { MATCH ()-[h:HAS_CERTIFICATE]->() RETURN count(h) AS certificate_links }
CALL () { MATCH (e:EmployeeRecord) RETURN count(e) AS employee_records }
CALL () { MATCH ()-[w:EMPLOYS]->() RETURN count(w) AS employment_links }
CALL () { MATCH ()-[p:BUYS_FROM]->() RETURN count(p) AS purchases }
RETURN organisations, sw_organisations, certificates, certificate_links, employee_records,
       employment_links, purchases
