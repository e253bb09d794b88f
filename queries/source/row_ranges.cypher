// row_ranges: the lowest and highest file row of the organisations and of the purchases
// (the tables are read back in chunks of rows). ORDER BY ... LIMIT 1 reads the ends of the row
// indexes (pso_organisation_row, the BUYS_FROM.row constraint) instead of every node and
// relationship as min()/max() would; collect(...)[0] gives null for an empty table.
// params: none
CALL () { MATCH (o:Organisation) WHERE o.row IS NOT NULL
          WITH o.row AS r ORDER BY r ASC LIMIT 1 RETURN collect(r)[0] AS org_low }
CALL () { MATCH (o:Organisation) WHERE o.row IS NOT NULL
          WITH o.row AS r ORDER BY r DESC LIMIT 1 RETURN collect(r)[0] AS org_high }
CALL () { MATCH ()-[p:BUYS_FROM]->() WHERE p.row IS NOT NULL
          WITH p.row AS r ORDER BY r ASC LIMIT 1 RETURN collect(r)[0] AS purchase_low }
CALL () { MATCH ()-[p:BUYS_FROM]->() WHERE p.row IS NOT NULL
          WITH p.row AS r ORDER BY r DESC LIMIT 1 RETURN collect(r)[0] AS purchase_high }
RETURN org_low, org_high, purchase_low, purchase_high
