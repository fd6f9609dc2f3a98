"""Unit normalization with pint: a registry built lazily from `units.txt`."""
from __future__ import annotations

import threading
from decimal import Decimal
from functools import cache
from importlib.resources import files

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
    """How many `to` one `unit` is, computed by pint once per pair.

    A unit is one of itself without asking pint: most amounts are already in
    the unit wanted ("5 percent"), and building the registry takes longer than
    everything else a short document needs.
    """
    if unit == to:
        return Decimal(1)
    ureg = registry()
    return ureg.Quantity(Decimal(1), unit).to(to).magnitude


def convert(magnitude: Decimal, unit: str, to: str) -> Decimal:
    """`magnitude` in `unit`, expressed in `to`."""
    return magnitude * factor(unit, to)
