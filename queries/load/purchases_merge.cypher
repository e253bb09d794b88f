// purchases_merge: purchases: a batch MERGEd on its keys, properties set (a second load changes nothing)
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
MERGE (b)-[p:BUYS_FROM {row: $row[i]}]->(s)
SET p.year = $year[i], p.amount_eur = $amount_eur[i], p.date = date($date[i])
