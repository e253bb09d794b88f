"""The SROI settings file: building-block values (published) and a buyer's local choices."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pso_chain.settings import TomlTable, packaged

SETTINGS_NAME = "sroi-bouwblokken.toml"
CERTIFICATE_RULES = ("whole_term",)


@dataclass(frozen=True)
class SroiSettings:
    """Values per year of a full-time hire by start position, extras, purchase shares, the
    value of an hour of social activity, the certificate's share per level, the at-risk pace."""

    version: str
    source_file: str
    fulltime_hours: float
    hire_value_per_year: dict[str, float]
    hire_extra_per_year: dict[str, float]
    sw_share: float
    pso_holder_share: float
    activity_value_per_hour: float
    certificate_share: dict[str, float]
    certificate_rule: str
    at_risk_pace: float


def default_sroi_settings_path() -> Path:
    """Path of the settings file shipped with the package."""
    return packaged(SETTINGS_NAME)


def load_sroi_settings(path: str | Path | None = None, levels: tuple[str, ...] | None = None
                       ) -> SroiSettings:
    """Read and check the SROI settings (the packaged file when ``path`` is None).

    ``levels``: the rules' certificate levels; every one needs a certificate share.

    >>> load_sroi_settings().hire_value_per_year["pw_lt2"]
    30000.0
    """
    toml = TomlTable.read(path if path is not None else default_sroi_settings_path(), "SROI settings file")
    share = toml.table("certificate.share", "share", 0.0, 1.0)
    for level in levels or ():
        if level not in share:
            raise toml.fail(f"certificate.share.{level}", None, "no share for this certificate level")
    rule = toml.get("certificate.rule")
    if rule not in CERTIFICATE_RULES:
        raise toml.fail("certificate.rule", rule, f"use one of {', '.join(CERTIFICATE_RULES)}")
    return SroiSettings(
        version=str(toml.get("meta.version")), source_file=toml.name,
        fulltime_hours=toml.number("hire.fulltime_hours_per_week", 1.0, 168.0),
        hire_value_per_year={k.lower(): v for k, v in
                             toml.table("hire.value_per_year", "value", 0.0, 1e9).items()},
        hire_extra_per_year=toml.table("hire.extra_per_year", "value", 0.0, 1e9),
        sw_share=toml.number("purchase.sw_share", 0.0, 1.0),
        pso_holder_share=toml.number("purchase.pso_holder_share", 0.0, 1.0),
        activity_value_per_hour=toml.number("activity.value_per_hour", 0.0, 1e9),
        certificate_share=share, certificate_rule=str(rule),
        at_risk_pace=toml.number("monitoring.at_risk_pace", 0.0, 10.0),
    )
