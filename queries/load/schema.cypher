// schema: the constraints and indexes of the graph model (docs/neo4j.md), idempotent; one
// statement per line group, each ending with ';' (run one by one, auto-commit).
// params: none
CREATE CONSTRAINT pso_organisation_org_id IF NOT EXISTS FOR (o:Organisation) REQUIRE o.org_id IS UNIQUE;
CREATE CONSTRAINT pso_certificate_key IF NOT EXISTS FOR (c:Certificate) REQUIRE c.key IS UNIQUE;
CREATE CONSTRAINT pso_employee_record_row IF NOT EXISTS FOR (e:EmployeeRecord) REQUIRE e.row IS UNIQUE;
CREATE CONSTRAINT pso_dataset_key IF NOT EXISTS FOR (d:PsoDataset) REQUIRE d.key IS UNIQUE;
CREATE CONSTRAINT pso_buys_from_row IF NOT EXISTS FOR ()-[p:BUYS_FROM]-() REQUIRE p.row IS UNIQUE;
CREATE INDEX pso_organisation_municipality IF NOT EXISTS FOR (o:Organisation) ON (o.municipality);
CREATE INDEX pso_organisation_sbi IF NOT EXISTS FOR (o:Organisation) ON (o.sbi);
CREATE INDEX pso_organisation_row IF NOT EXISTS FOR (o:Organisation) ON (o.row);
CREATE INDEX pso_certificate_level IF NOT EXISTS FOR (c:Certificate) ON (c.level);
