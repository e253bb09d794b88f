// certificates_merge: certificates: a batch MERGEd on its keys, properties set (a second load changes nothing)
// params:
//   $key :: list<string>                      certificate key (source:row)
//   $org :: list<string>                      element id of the organisation
//   $level :: list<string>                    level
//   $valid_from :: list<string|null>          ISO date
//   $valid_until :: list<string|null>         ISO date
//   $source :: list<string>                   certifications or organisations
//   $row :: list<integer>                     file row (the key)
UNWIND range(0, size($key) - 1) AS i
MATCH (o) WHERE elementId(o) = $org[i]
MERGE (c:Certificate {key: $key[i]})
SET c.level = $level[i], c.valid_from = date($valid_from[i]),
    c.valid_until = date($valid_until[i]), c.source = $source[i], c.row = $row[i]
MERGE (o)-[:HAS_CERTIFICATE]->(c)
