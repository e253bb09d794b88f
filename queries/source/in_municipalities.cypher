// in_municipalities: the org_ids of the organisations in these municipalities (spelled as in the
// data; surrounding spaces ignored).
// params:
//   $names :: list<string>                   municipality names as the data spells them
MATCH (o:Organisation)
WHERE trim(o.municipality) IN $names
RETURN collect(o.org_id) AS org_ids
