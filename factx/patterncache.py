"""A persistent cache of compiled regex patterns, like Python's `.pyc` files.

The `regex` package parses a pattern in pure Python (seconds for factx's
rules) and hands the result to its C core as `_regex.compile(*args)`; those
args are what regex itself pickles a pattern as (`pattern._pickled_data`).
`compile` keeps them on disk, one file per pattern, and on the next run
rebuilds the pattern from them in microseconds.

- Where: `$FACTX_CACHE_DIR/patterns`, else `$XDG_CACHE_HOME/factx/patterns`,
  else `~/.cache/factx/patterns`. `FACTX_NO_CACHE=1` turns the cache off.
- Keyed by a hash of the regex and Python versions, the flags and the exact
  pattern text; an entry holds those too and a checksum, and anything that
  does not check out (corrupt, stale, unreadable, a regex release without
  `_pickled_data`) means a normal compile, never an error. A pattern that
  fails to compile raises as usual and is never cached.
- Written atomically. Bounded: a hit refreshes an entry's mtime (at most
  daily), and after a write the least recently used entries beyond
  `MAX_BYTES` are removed, so stale ones (edited rules, old versions) go.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
import time
import zlib
from pathlib import Path

import regex

MAX_BYTES = 64 * 2**20  # the built-in rules take about 1 MB
_FORMAT = 1
_DAY = 86400
_pruned = False


def cache_dir() -> Path | None:
    """The folder of cached patterns, or None when the cache is turned off."""
    if os.environ.get("FACTX_NO_CACHE", "") not in ("", "0"):
        return None
    root = os.environ.get("FACTX_CACHE_DIR")
    if not root:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = os.path.join(base, "factx")
    return Path(root) / "patterns"


def compile(pattern: str, flags: int = 0) -> regex.Pattern[str]:
    """`regex.compile(pattern, flags)`, from the cache when it holds the pattern."""
    folder = cache_dir()
    if folder is None:
        return regex.compile(pattern, flags)
    flags = int(flags)  # a RegexFlag would not marshal
    path = folder / _key(pattern, flags)
    cached = _read(path, pattern, flags)
    if cached is not None:
        return cached
    compiled = regex.compile(pattern, flags)
    _write(path, compiled, flags)
    return compiled


def _key(pattern: str, flags: int) -> str:
    ident = f"{_FORMAT}\0{regex.__version__}\0{sys.version}\0{flags}\0{pattern}"
    return hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _header(flags: int) -> tuple:
    return _FORMAT, regex.__version__, sys.version, flags


def _read(path: Path, pattern: str, flags: int) -> regex.Pattern[str] | None:
    try:
        payload = read_entry(path)
        if payload is None:
            return None
        mtime = os.stat(path).st_mtime
        header, args = marshal.loads(payload)
        if header != _header(flags) or not isinstance(args, tuple) or args[:1] != (pattern,):
            return None
        compiled = regex._regex.compile(*args)
        if not isinstance(compiled, regex.Pattern) or compiled.pattern != pattern:
            return None
    except Exception:  # a missing, corrupt or foreign entry: compile as if there were none
        return None
    if time.time() - mtime > _DAY:
        try:
            os.utime(path)  # marks it used: pruning removes the least recently used first
        except OSError:
            pass  # a read-only cache is still read
    return compiled


def _write(path: Path, compiled: regex.Pattern[str], flags: int) -> None:
    try:
        args = compiled._pickled_data
        if not isinstance(args, tuple) or args[:1] != (compiled.pattern,):
            return
        write_entry(path, marshal.dumps((_header(flags), args)))
        _prune(path.parent)
    except Exception:  # an unwritable folder or a regex without `_pickled_data`: no cache
        return


def write_entry(path: Path, payload: bytes) -> None:
    """Write `payload` with its checksum, atomically: a reader sees the old entry or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(zlib.crc32(payload).to_bytes(4, "big") + payload)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def read_entry(path: Path) -> bytes | None:
    """The payload `write_entry` wrote, or None if it is damaged; OSError if it is missing."""
    blob = path.read_bytes()
    payload = blob[4:]
    return payload if zlib.crc32(payload) == int.from_bytes(blob[:4], "big") else None


def _prune(folder: Path) -> None:
    """Remove the least recently used entries beyond MAX_BYTES (once per process)."""
    global _pruned
    if _pruned:
        return
    _pruned = True
    entries = []
    for entry in os.scandir(folder):
        try:
            st = entry.stat()
        except OSError:
            continue
        stale_tmp = entry.name.startswith(".tmp-") and time.time() - st.st_mtime > _DAY
        entries.append((st.st_mtime, st.st_size, entry.path, stale_tmp))
    total = sum(size for _, size, _, _ in entries)
    for mtime, size, path, stale_tmp in sorted(entries):
        if total <= MAX_BYTES and not stale_tmp:
            continue
        try:
            os.unlink(path)
            total -= size
        except OSError:
            pass
