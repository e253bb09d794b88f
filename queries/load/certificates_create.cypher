// certificates_create: certificates: a batch none of whose keys exists yet, created (the fast path of a fresh load)
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
CREATE (o)-[:HAS_CERTIFICATE]->(:Certificate {
  key: $key[i], level: $level[i], valid_from: date($valid_from[i]),
  valid_until: date($valid_until[i]), source: $source[i], row: $row[i]})
