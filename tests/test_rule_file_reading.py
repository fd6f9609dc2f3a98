"""Reading rule files: only regular files under the size cap, so a FIFO or a device never hangs a run."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from factx.rulefile import MAX_RULE_FILE_BYTES, parse_rule_file
from tests.conftest import ROOT

GOOD = '''
[[rule]]
id = "percent.user_pct"
doc = "A user rule."
pattern = \'\'\'\\d+ pcts\'\'\'
priority = 1
'''


def rules_check(folder: Path) -> subprocess.CompletedProcess:
    # A child process with a timeout: were a FIFO opened for reading, it would wait for a writer forever.
    return subprocess.run([sys.executable, "-m", "factx", "rules", "check", str(folder)], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


@pytest.mark.parametrize("make, kind", [
    (lambda path: os.mkfifo(path), "FIFO"),
    (lambda path: path.symlink_to("/dev/zero"), "link to a device"),
])
def test_a_fifo_or_device_among_the_rule_files_is_a_named_error_not_a_hang(tmp_path, make, kind):
    (tmp_path / "good.toml").write_text(GOOD, encoding="utf-8")
    make(tmp_path / "odd.toml")

    run = rules_check(tmp_path)

    assert run.returncode == 3, run.stderr
    assert run.stderr.splitlines() == [
        f"factx: {tmp_path}/odd.toml: [FX108] cannot read rule file: not a regular file (a FIFO, a device or a socket)"]


def test_a_rule_file_over_the_size_cap_is_refused_unread(tmp_path):
    big = tmp_path / "big.toml"
    with big.open("wb") as f:
        f.truncate(MAX_RULE_FILE_BYTES + 1)  # sparse: nothing to write, and nothing may be read

    parsed, problems = parse_rule_file(big, "big.toml")

    assert parsed is None and [(p.code, p.where) for p in problems] == [("FX108", "big.toml")]
    assert f"larger than {MAX_RULE_FILE_BYTES >> 20} MB" in problems[0].message


def test_a_rule_file_at_the_size_cap_is_read(tmp_path):
    path = tmp_path / "padded.toml"
    path.write_text(GOOD + "#" * (MAX_RULE_FILE_BYTES - len(GOOD.encode()) - 1) + "\n", encoding="utf-8")

    parsed, problems = parse_rule_file(path, "padded.toml")

    assert problems == [] and [r.spec.id for r in parsed.rules] == ["percent.user_pct"]
