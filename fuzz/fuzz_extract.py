"""An atheris (libFuzzer) harness: every input holds the invariants of `fuzz/checks.py`.

    pip install -e '.[fuzz]'
    python fuzz/fuzz_extract.py -max_total_time=3600 -timeout=120 fuzz/corpus fuzz/seeds

The first byte chooses the way in: raw bytes read as stdin is (text or JSON
Lines, any encoding), or a text (UTF-8, its other bytes read as lone
surrogates) with a reference date chosen by the next byte or three. New inputs that reach new
code are kept in the first folder; a failing one is written as `crash-*`.
"""
from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

with atheris.instrument_imports(include=["factx", "plugins", "fuzz"]):
    from factx import Engine
    from fuzz.checks import check_bytes, check_text

    ENGINE = Engine(load_entrypoints=False)  # built here, so that the plugins it imports are instrumented too
REFERENCES = ("none", "auto", date.min, date.max)


def one_input(data: bytes) -> None:
    way = data[0] % 3 if data else 0
    if way == 0:  # raw bytes, read as stdin is
        check_bytes(ENGINE, data[1:])
        return
    if way == 1:  # a text with one of the reference dates of REFERENCES
        reference, text = REFERENCES[data[1] % len(REFERENCES)] if len(data) > 1 else "none", data[2:]
    else:  # a text with any reference date from 0001-01-01 to 9999-12-31
        days = int.from_bytes(data[1:4], "big") % ((date.max - date.min).days + 1)
        reference, text = date.min + timedelta(days=days), data[4:]
    # Bytes that are not UTF-8 become lone surrogates: texts no file could hold are fuzzed too.
    check_text(ENGINE, text.decode("utf-8", "surrogateescape"), reference)


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
