// purchases_create: purchases: a batch none of whose keys exists yet, created (the fast path of a fresh load)
// params:
//   $row :: list<integer>                     file row (the key)
//   $buyer :: list<string>                    element id of the buyer
//   $supplier :: list<string>                 element id of the supplier
//   $year :: list<integer>                    purchase year
//   $amount_eur :: list<float>                amount
//   $date :: list<string|null>                ISO date
UNWIND range(0, size($row) - 1) AS i
MATCH (b) WHERE elementId(b) = $buyer[i]
MATCH (s) WHERE elementId(s) = $supplier[i]
CREATE (b)-[:BUYS_FROM {row: $row[i], year: $year[i], amount_eur: $amount_eur[i],
                        date: date($date[i])}]->(s)
