"""Which columns of a result the terminal shows (``--out FILE`` writes every column)."""

CREDITS_SHOWN = ["org_id", "name", "employees", "direct_pct", "indirect_counted_pct", "total_pct",
                 "trede", "cap_applied", "pso30plus"]
CREDITS_KEEP = ["org_id", "total_pct", "trede"]
TARGETS_SHOWN = ["target_trede", "norm_pct", "reachable", "needed_indirect_fte", "extra_indirect_fte",
                 "reason"]
UPLIFT_SHOWN = ["target_trede", "supplier_id", "supplier_name", "yield_fte_per_meur", "extra_eur",
                "share_of_revenue_pct", "large_share", "reason"]
MIX_SHOWN = ["target_trede", "reachable", "supplier_id", "supplier_name", "yield_fte_per_meur",
             "room_eur", "extra_eur", "total_pct_after", "reason"]
SHIFT_SHOWN = ["scenario", "moved_eur", "spend_at_from_eur", "spend_at_to_eur", "indirect_fte",
               "indirect_counted_pct", "total_pct", "trede", "cap_applied"]
SUPPLIERS_SHOWN = ["org_id", "name", "level", "sw", "valid_until", "sbi", "municipality",
                   "yield_fte_per_meur"]
SUBSTITUTES_SHOWN = ["supplier_id", "supplier_name", "not_counted_eur", "alternative_id",
                     "alternative_name", "alternative_level", "proximity", "gain_pct", "trede_after"]
COMPLIANCE_SHOWN = ["supplier_id", "name", "spend_eur", "spend_share_pct", "status", "level",
                    "valid_until", "days_left", "assessment"]
TENDER_SHOWN = ["rank", "supplier_id", "name", "price", "level", "sw", "certificate_status",
                "valid_until", "discount_pct", "fictitious_price"]
EXPOSURE_SHOWN = ["org_id", "name", "municipality", "employees", "code_buyers", "code_share",
                  "distance", "meets_threshold"]
