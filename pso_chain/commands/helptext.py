"""Help pages as people read them: flags without a value type, arguments as ``DATASET``,
value types as plain words (``INTEGER``, ``DATE``, ``FILE``) instead of ``<int range>``,
``<%Y-%m-%d|%d-%m-%Y>`` or ``<list[str]>``, and every default written ``(default: X)``.

typer renders help itself; :func:`tidy` adjusts the few hooks it offers and leaves everything
as it is where a typer version does not have them.
"""

from __future__ import annotations

import re

TYPE_WORDS = {"int": "INTEGER", "str": "TEXT", "float": "FLOAT", "path": "PATH", "file": "FILE",
              "directory": "FOLDER", "datetime": "DATE", "bool": "", "int range": "INTEGER",
              "float range": "FLOAT"}


def plain_type(label: str | None) -> str | None:
    """``<int range>`` -> ``INTEGER``, ``<list[str]>`` -> ``TEXT``, ``<%Y-%m-%d|...>`` -> ``DATE``,
    ``<a|b>`` -> ``a|b``.

    >>> [plain_type(x) for x in ["<int range>", "<list[str]>", "<%Y-%m-%d|%d-%m-%Y>", "<fee|count>"]]
    ['INTEGER', 'TEXT', 'DATE', 'fee|count']
    """
    if label is None:
        return None
    inner = label[1:-1] if label.startswith("<") and label.endswith(">") else label
    inner = re.sub(r"^list\[(.*)\]$", r"\1", inner)
    if "%" in inner:
        return "DATE"
    return TYPE_WORDS.get(inner, inner) or None


def tidy() -> None:
    """Install the help adjustments into typer (idempotent)."""
    try:
        from typer import core, rich_utils
    except ImportError:  # pragma: no cover - typer without these modules
        return
    if hasattr(rich_utils, "DEFAULT_STRING"):
        rich_utils.DEFAULT_STRING = "(default: {})"
    option = getattr(core, "TyperOption", None)
    if option is not None and hasattr(option, "display_type_rich") \
            and not getattr(option, "_pso_tidy", False):
        original = option.display_type_rich

        def display_type_rich(self, ctx):
            if self.metavar is not None:
                return self.metavar
            if getattr(self, "is_flag", False) or getattr(self, "count", False):
                return None
            return plain_type(original(self, ctx))

        option.display_type_rich = display_type_rich
        option._pso_tidy = True
    argument = getattr(core, "TyperArgument", None)
    if argument is not None and hasattr(argument, "_usage_display_name"):
        def usage_name(self) -> str:
            name = self.metavar or self.name.upper()
            name = name if self.required else f"[{name}]"
            return name + ("..." if self.nargs != 1 else "")

        argument._usage_display_name = usage_name
        argument.display_type_rich = lambda self, ctx: None
