// row_ranges: the lowest and highest file row of the organisations and of the purchases
// (the tables are read back in chunks of rows).
// params: none
CALL () { MATCH (o:Organisation) RETURN min(o.row) AS org_low, max(o.row) AS org_high }
CALL () { MATCH ()-[p:BUYS_FROM]->() RETURN min(p.row) AS purchase_low, max(p.row) AS purchase_high }
RETURN org_low, org_high, purchase_low, purchase_high
