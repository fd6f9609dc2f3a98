"""Unit normalization with pint: one registry, pint's default units plus `units.txt`, built lazily.

Building the registry takes longer than everything else a short document
needs, so conversion factors are kept on disk (`factx.stored`): a process
that converts only what an earlier one converted never imports pint.
"""
from __future__ import annotations

import threading
from collections import defaultdict
from decimal import Decimal
from functools import cache
from importlib.resources import files

from factx import patterncache
from factx.stored import by_content, stored

_lock = threading.Lock()
_registry = None


def registry():
    """The shared pint UnitRegistry of factx (Decimal magnitudes), built on first use.

    It knows pint's default units and factx's own (`factx/units.txt`: percentage
    points, basis points, TEU and one dimension per currency). pint keeps its
    parsed definitions in the factx cache folder, which makes later builds quicker.
    """
    global _registry
    with _lock:
        if _registry is None:
            import pint

            folder = patterncache.cache_dir()
            ureg = pint.UnitRegistry(non_int_type=Decimal, on_redefinition="raise",
                                     cache_folder=str(folder.parent / "pint") if folder else None)
            ureg.load_definitions(str(files("factx") / "units.txt"))
            _registry = ureg
    return _registry


@cache
def factor(unit: str, to: str) -> Decimal:
    """How many `to` one `unit` is; pint's DimensionalityError if they do not convert.

    A unit is one of itself; a pair of units that `units.txt` defines is read
    from a table pint computes once; any other pair is computed once and kept
    on disk under its two names.
    """
    if unit == to:
        return Decimal(1)
    known = factors().get(f"{unit} {to}")
    if known is None:
        known = by_content("units", f"{_definitions_key()}\0{unit}\0{to}",
                           lambda: str(registry().Quantity(Decimal(1), unit).to(to).magnitude))
    return Decimal(known)


@cache
def _definitions_key() -> str:
    """What a factor depends on besides the two units: pint's version and factx's definitions."""
    from importlib.metadata import version

    return f"{version('pint')}\0{(files('factx') / 'units.txt').read_text(encoding='utf-8')}"


def own_units() -> list[str]:
    """The names `units.txt` defines, and `percent` (pint's), which they are defined from."""
    text = (files("factx") / "units.txt").read_text(encoding="utf-8")
    names = [line.split("=", 1)[0].strip() for line in text.splitlines() if "=" in line and not line.startswith("#")]
    return ["percent", *names]


@stored("pint")
def factors() -> dict[str, str]:
    """"UNIT TO" -> how many TO one UNIT is (as a decimal string), for every two different
    units of `units.txt` of the same dimension (each currency is a dimension of its own)."""
    ureg = registry()
    by_dimension: dict[str, list[str]] = defaultdict(list)
    for name in own_units():
        by_dimension[str(ureg.get_dimensionality(name))].append(name)
    return {f"{a} {b}": str(ureg.Quantity(Decimal(1), a).to(b).magnitude)
            for names in by_dimension.values() for a in names for b in names if a != b}


def convert(magnitude: Decimal, unit: str, to: str) -> Decimal:
    """`magnitude` in `unit`, expressed in `to`."""
    return magnitude * factor(unit, to)
