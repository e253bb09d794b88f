// row_ranges: the lowest and highest file row of the organisations (the tables are read back in
// chunks of organisation rows; the purchases by their buyers' rows). ORDER BY ... LIMIT 1 reads
// the ends of the pso_organisation_row index instead of every node as min()/max() would;
// collect(...)[0] gives null for an empty table.
// params: none
CALL () { MATCH (o:Organisation) WHERE o.row IS NOT NULL
          WITH o.row AS r ORDER BY r ASC LIMIT 1 RETURN collect(r)[0] AS org_low }
CALL () { MATCH (o:Organisation) WHERE o.row IS NOT NULL
          WITH o.row AS r ORDER BY r DESC LIMIT 1 RETURN collect(r)[0] AS org_high }
RETURN org_low, org_high
