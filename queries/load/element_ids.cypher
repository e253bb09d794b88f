// element_ids: the element id of every organisation with a file row in [$low, $high), for id seeks when writing relationships
// params:
//   $low :: integer                           first file row
//   $high :: integer                          first file row after the chunk
MATCH (o:Organisation) WHERE o.row >= $low AND o.row < $high
RETURN collect(o.org_id) AS org_id, collect(elementId(o)) AS element_id
