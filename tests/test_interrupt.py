"""A run of `extract -o` stopped by a signal: the old output stays, no temporary file (but after SIGKILL one
recognisable file), and no worker outlives it. `bench/interrupt.py` does the same on 20 MB."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

OLD = '{"old": "output"}\n'
PARAGRAPH = ("Exports rose 5.2 percent to $350 billion in March, the ministry said on Oct. 18, 2025, after a "
             "15 pct fall last year; Finance Minister Koo Yun-cheol expects 2-3% growth next year. ")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """About 3 MB of JSON Lines: several seconds of work, long enough to be interrupted."""
    path = tmp_path_factory.mktemp("corpus") / "input.jsonl"
    path.write_text("".join(json.dumps({"id": f"d{i}", "text": PARAGRAPH * 8}) + "\n" for i in range(2000)))
    return path


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.add(int(entry.name))
            except (OSError, IndexError, ValueError):
                pass
    return found


def running(pid: int) -> bool:
    try:
        stat = (Path("/proc") / str(pid) / "stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def interrupted_run(corpus: Path, out: Path, workers: int, signum: int, group: bool):
    """Start extract, signal it once it writes its temporary file; its exit code and the workers it had."""
    out.write_text(OLD, encoding="utf-8")
    command = [sys.executable, "-m", "factx", "extract", str(corpus), "-o", str(out), "--workers", str(workers)]
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        workers_seen: set[int] = set()
        while time.monotonic() < deadline and child.poll() is None:
            workers_seen |= children_of(child.pid)
            if len(workers_seen) >= (workers if workers > 1 else 0) and any(
                    p.name.startswith(f".{out.name}.") for p in out.parent.iterdir()):
                break
            time.sleep(0.05)
        time.sleep(0.5)
        assert child.poll() is None, "the run ended before it could be interrupted"
        (os.killpg if group else os.kill)(child.pid, signum)
        code = child.wait(60)
    finally:
        if child.poll() is None:
            child.kill()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(running(p) for p in workers_seen):
        time.sleep(0.1)
    return code, child.pid, workers_seen


@pytest.mark.parametrize("workers, signum, group, code", [
    (2, signal.SIGTERM, False, 128 + signal.SIGTERM),
    (1, signal.SIGTERM, False, 128 + signal.SIGTERM),
    (2, signal.SIGINT, True, 130),  # Ctrl-C: the whole process group
])
def test_sigterm_and_sigint_leave_the_old_output_and_nothing_else(tmp_path, corpus, workers, signum, group, code):
    out = tmp_path / "facts.jsonl"

    exit_code, _, workers_seen = interrupted_run(corpus, out, workers, signum, group)

    assert exit_code == code
    assert out.read_text() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts.jsonl"]
    assert len(workers_seen) == (workers if workers > 1 else 0)
    assert [p for p in workers_seen if running(p)] == []


def test_sigkill_leaves_the_old_output_one_recognisable_file_and_no_worker(tmp_path, corpus):
    out = tmp_path / "facts.jsonl"

    exit_code, pid, workers_seen = interrupted_run(corpus, out, 2, signal.SIGKILL, False)

    assert exit_code == -signal.SIGKILL
    assert out.read_text() == OLD
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != "facts.jsonl")
    assert len(left) == 1 and re.fullmatch(rf"\.facts\.jsonl\.factx-{pid}-\w+\.tmp", left[0]), left
    assert len(workers_seen) == 2 and [p for p in workers_seen if running(p)] == []
