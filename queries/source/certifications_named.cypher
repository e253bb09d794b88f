// certifications_named: the certificates from the certifications table of these organisations
// (index seeks by org_id), one list per column with the file row (sorted by the reader).
// params:
//   $org_ids :: list<string>                 the organisations
UNWIND $org_ids AS key
MATCH (o:Organisation {org_id: key})-[:HAS_CERTIFICATE]->(c:Certificate {source: 'certifications'})
WITH DISTINCT o, c
RETURN collect(o.org_id) AS org_id, collect(c.level) AS level,
       collect(coalesce(toString(c.valid_from), '')) AS valid_from,
       collect(coalesce(toString(c.valid_until), '')) AS valid_until, collect(c.row) AS row
