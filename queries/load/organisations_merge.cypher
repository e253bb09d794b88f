// organisations_merge: organisations: a batch MERGEd on its keys, properties set (a second load changes nothing)
// params:
//   $org_id :: list<string>                   org_id of each organisation
//   $name :: list<string>                     name
//   $employees :: list<integer>               headcount
//   $fte :: list<float>                       FTE
//   $target_fte :: list<float|null>           target-group FTE
//   $revenue_eur :: list<float|null>          revenue
//   $sw :: list<boolean>                      SW-bedrijf
//   $pso_level :: list<string>                certificate level
//   $pso_valid_from :: list<string|null>      ISO date
//   $pso_valid_until :: list<string|null>     ISO date
//   $qualitative_ok :: list<boolean>          qualitative checklist passed
//   $sbi :: list<string>                      SBI code
//   $delivers :: list<string>                 SBI codes of what it sells (a;b)
//   $municipality :: list<string>             municipality
//   $postcode :: list<string>                 postcode
//   $applies_code :: list<boolean>            applies the social purchasing code
//   $threshold :: list<float|null>            own olievlek threshold
//   $row :: list<integer>                     file row (the key)
UNWIND range(0, size($org_id) - 1) AS i
MERGE (o:Organisation {org_id: $org_id[i]})

SET o.name = $name[i], o.employees = $employees[i], o.fte = $fte[i],
    o.target_fte = $target_fte[i], o.revenue_eur = $revenue_eur[i], o.sw = $sw[i],
    o.pso_level = $pso_level[i], o.pso_valid_from = date($pso_valid_from[i]),
    o.pso_valid_until = date($pso_valid_until[i]), o.qualitative_ok = $qualitative_ok[i],
    o.sbi = $sbi[i], o.delivers = $delivers[i], o.municipality = $municipality[i],
    o.postcode = $postcode[i],
    o.applies_code = $applies_code[i], o.threshold = $threshold[i], o.row = $row[i]
FOREACH (_ IN CASE WHEN $sw[i] THEN [1] ELSE [] END | SET o:SWBedrijf)

FOREACH (_ IN CASE WHEN $sw[i] THEN [] ELSE [1] END | REMOVE o:SWBedrijf)
