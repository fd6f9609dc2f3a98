"""Unit normalization with pint: a registry built lazily from `units.txt`."""
from __future__ import annotations

import threading
from collections import defaultdict
from decimal import Decimal
from functools import cache
from importlib.resources import files

from factx.stored import stored

_lock = threading.Lock()
_registry = None


def registry():
    """The shared pint UnitRegistry of factx (Decimal magnitudes), built on first use."""
    global _registry
    with _lock:
        if _registry is None:
            import pint

            ureg = pint.UnitRegistry(None, non_int_type=Decimal, on_redefinition="raise")
            ureg.load_definitions(str(files("factx") / "units.txt"))
            _registry = ureg
    return _registry


@cache
def factor(unit: str, to: str) -> Decimal:
    """How many `to` one `unit` is.

    A unit is one of itself, and a pair of units that `units.txt` defines is
    read from a table pint computes once and factx keeps on disk: building the
    registry takes longer than everything else a short document needs.
    """
    if unit == to:
        return Decimal(1)
    known = factors().get(f"{unit} {to}")
    if known is not None:
        return Decimal(known)
    return registry().Quantity(Decimal(1), unit).to(to).magnitude


@stored("pint")
def factors() -> dict[str, str]:
    """"UNIT TO" -> how many TO one UNIT is (as a decimal string), for every two different
    units of `units.txt` of the same dimension (each currency is a dimension of its own)."""
    ureg = registry()
    by_dimension: dict[str, list[str]] = defaultdict(list)
    for name in ureg:
        by_dimension[str(ureg.get_dimensionality(name))].append(name)
    return {f"{a} {b}": str(ureg.Quantity(Decimal(1), a).to(b).magnitude)
            for names in by_dimension.values() for a in names for b in names if a != b}


def convert(magnitude: Decimal, unit: str, to: str) -> Decimal:
    """`magnitude` in `unit`, expressed in `to`."""
    return magnitude * factor(unit, to)
