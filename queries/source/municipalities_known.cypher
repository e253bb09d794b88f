// municipalities_known: every municipality name in the data, once (the verbs check a requested
// municipality against them, as on a folder).
// params: none
MATCH (o:Organisation)
RETURN collect(DISTINCT o.municipality) AS municipalities
