// certifications: the certificates from the certifications table (of these organisations, or of
// all), one list per column with the file
// row (the reader sorts them into file order).
// params:
//   $org_ids :: list<string>|null            only these organisations (null: all)
MATCH (o:Organisation)-[:HAS_CERTIFICATE]->(c:Certificate {source: 'certifications'})
WHERE $org_ids IS NULL OR o.org_id IN $org_ids
RETURN collect(o.org_id) AS org_id, collect(c.level) AS level,
       collect(coalesce(toString(c.valid_from), '')) AS valid_from,
       collect(coalesce(toString(c.valid_until), '')) AS valid_until, collect(c.row) AS row
