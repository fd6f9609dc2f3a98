"""Data derived once from big libraries and kept on disk for the next process.

A plugin that turns a library's tables into lookups (Babel's CLDR currencies,
pycountry's ISO 3166 names) pays for importing the library and loading its
data in every process, though the result only changes when factx or the
library does. `@stored(...)` keeps a function's result in the factx cache
folder (beside the compiled patterns, see `factx.patterncache`) and reads it
from there while the result would be the same:

- the key holds the function's name, the given distributions' versions, the
  Python version, and the size and mtime of every file of factx (code, rules,
  `units.txt`), as Python's `.pyc` files hold their source's;
- one file per function: a new result replaces the old one;
- the result is what `marshal` stores (dicts, lists, tuples, sets, str,
  numbers); with `rebuild`, a dataclass is stored as its fields and rebuilt;
- anything wrong with the cache means calling the function, never an error;
  `FACTX_NO_CACHE=1` turns it off.

The function is also memoized in the process, like `functools.cache`.

`by_content` keeps what is derived from a text (a parsed rule file, say)
under a hash of that text and of factx's code (the size and mtime of its
`.py` files), so editing the text or upgrading factx simply makes a new
entry; the oldest entries beyond `MAX_ENTRIES` of a kind are removed.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import marshal
import os
import pickle
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from factx import patterncache

T = TypeVar("T")
_PACKAGE = Path(__file__).resolve().parent
MAX_ENTRIES = 512


def stored(*distributions: str, rebuild: Callable[..., Any] | None = None) -> Callable[[Callable[[], T]], Callable[[], T]]:
    """Keep the result of a function of no arguments on disk.

    :param distributions: the installed distributions whose data the result comes from.
    :param rebuild: the dataclass the function returns, rebuilt from its stored fields.
    """

    def decorate(function: Callable[[], T]) -> Callable[[], T]:
        @functools.cache
        @functools.wraps(function)
        def wrapper() -> T:
            path = _path(function, distributions)
            found = _read(path) if path is not None else None
            if found is not None:
                try:
                    return rebuild(*found) if rebuild else found
                except Exception:  # fields that no longer fit: derive it again
                    pass
            result = function()
            if path is not None:
                _write(path, dataclasses.astuple(result) if rebuild else result)
            return result

        return wrapper

    return decorate


def by_content(kind: str, content: str, derive: Callable[[], T], keep: int | None = None) -> T:
    """`derive()`, read from disk when it was derived before from the same `content`.

    The result must pickle. An exception from `derive` propagates and nothing is kept.
    At most `keep` results of a kind are kept (default MAX_ENTRIES), the oldest going first.
    """
    folder = patterncache.cache_dir()
    if folder is None:
        return derive()
    ident = f"{kind}\0{sys.version}\0{_code_fingerprint()}\0{content}".encode("utf-8", "surrogatepass")
    path = folder.parent / kind / hashlib.sha256(ident).hexdigest()[:32]
    found = _read(path, pickle.loads)
    if found is not None:
        return found
    result = derive()
    _write(path, result, pickle.dumps, prune=lambda written: _oldest_beyond(written, keep or MAX_ENTRIES))
    return result


def _oldest_beyond(path: Path, keep: int) -> None:
    entries = sorted(path.parent.iterdir(), key=lambda p: p.stat().st_mtime)
    for old in entries[: max(0, len(entries) - keep)]:
        old.unlink(missing_ok=True)


def _results_of_older_versions(path: Path) -> None:
    stem = path.name.rsplit(".", 1)[0] + "."
    for old in path.parent.iterdir():
        if old.name.startswith(stem) and old != path:
            old.unlink(missing_ok=True)


def _path(function: Callable, distributions: tuple[str, ...]) -> Path | None:
    try:
        folder = patterncache.cache_dir()
        if folder is None:
            return None
        digest = hashlib.sha256(repr((sys.version, [metadata.version(d) for d in distributions],
                                      _fingerprint())).encode())
        return folder.parent / "data" / f"{function.__module__}.{function.__qualname__}.{digest.hexdigest()[:32]}"
    except Exception:  # a distribution not installed, an unreadable file: no cache
        return None


@functools.cache
def _fingerprint() -> list[tuple[str, int, int]]:
    """Name, size and mtime of every file of factx (its plugins and rules included)."""
    found = []
    for folder, dirs, names in os.walk(_PACKAGE, followlinks=True):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if not name.endswith(".pyc"):
                st = os.stat(os.path.join(folder, name))
                found.append((os.path.relpath(os.path.join(folder, name), _PACKAGE), st.st_size, st.st_mtime_ns))
    return found


@functools.cache
def _code_fingerprint() -> str:
    """The part of the fingerprint that is factx's code: its `.py` files."""
    return repr([entry for entry in _fingerprint() if entry[0].endswith(".py")])


def _read(path: Path, loads: Callable[[bytes], Any] = marshal.loads) -> Any:
    try:
        payload = patterncache.read_entry(path)
        return None if payload is None else loads(payload)
    except Exception:  # missing or damaged: derive it again
        return None


def _write(path: Path, value: Any, dumps: Callable[[Any], bytes] = marshal.dumps,
           prune: Callable[[Path], None] = _results_of_older_versions) -> None:
    try:
        patterncache.write_entry(path, dumps(value))
        prune(path)
    except Exception:  # unwritable folder or a result marshal cannot store: no cache
        return
