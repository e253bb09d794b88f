"""The SROI settings file: building-block values (published) and a buyer's local choices."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pso_chain.errors import Problem, PsoInputError
from pso_chain.rules import read_toml

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
    return Path(str(resources.files("pso_chain.data").joinpath(SETTINGS_NAME)))


def _node(raw: dict, dotted: str, name: str):
    node = raw
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            raise PsoInputError(Problem(name, None, dotted, None, "missing key in SROI settings"))
        node = node[key]
    return node


def _number(raw: dict, dotted: str, name: str, low: float, high: float, prefix: str = "") -> float:
    value = _node(raw, dotted, name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise PsoInputError(Problem(name, None, prefix + dotted, value,
                                    f"expected a number in [{low}, {high}]"))
    return float(value)


def _table(raw: dict, dotted: str, name: str, low: float, high: float) -> dict[str, float]:
    table = _node(raw, dotted, name)
    if not isinstance(table, dict) or not table:
        raise PsoInputError(Problem(name, None, dotted, None, "expected a table of code = number"))
    return {str(k).strip().lower(): _number(table, k, name, low, high, prefix=f"{dotted}.")
            for k in table}


def load_sroi_settings(path: str | Path | None = None, levels: tuple[str, ...] | None = None
                       ) -> SroiSettings:
    """Read and check the SROI settings (the packaged file when ``path`` is None).

    ``levels``: the rules' certificate levels; every one needs a certificate share.

    >>> load_sroi_settings().hire_value_per_year["pw_lt2"]
    30000.0
    """
    path = Path(path) if path is not None else default_sroi_settings_path()
    name = str(path)
    raw = read_toml(path, "SROI settings file")
    share = _table(raw, "certificate.share", name, 0.0, 1.0)
    for level in levels or ():
        if level not in share:
            raise PsoInputError(Problem(name, None, f"certificate.share.{level}", None,
                                        "no share for this certificate level"))
    rule = _node(raw, "certificate.rule", name)
    if rule not in CERTIFICATE_RULES:
        raise PsoInputError(Problem(name, None, "certificate.rule", rule,
                                    f"use one of {', '.join(CERTIFICATE_RULES)}"))
    version = _node(raw, "meta.version", name)
    return SroiSettings(
        version=str(version), source_file=name,
        fulltime_hours=_number(raw, "hire.fulltime_hours_per_week", name, 1.0, 168.0),
        hire_value_per_year=_table(raw, "hire.value_per_year", name, 0.0, 1e9),
        hire_extra_per_year=_table(raw, "hire.extra_per_year", name, 0.0, 1e9),
        sw_share=_number(raw, "purchase.sw_share", name, 0.0, 1.0),
        pso_holder_share=_number(raw, "purchase.pso_holder_share", name, 0.0, 1.0),
        activity_value_per_hour=_number(raw, "activity.value_per_hour", name, 0.0, 1e9),
        certificate_share=share, certificate_rule=str(rule),
        at_risk_pace=_number(raw, "monitoring.at_risk_pace", name, 0.0, 10.0),
    )
