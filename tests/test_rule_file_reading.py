"""Reading rule files: only regular files under the size cap, so a FIFO or a device never hangs a run."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from factx import RuleError
from factx.rulebook import MAX_EXPANDED, MAX_MACRO_DEPTH, RuleSource, load_rulebook
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


def bounded_problems(path: Path) -> list[tuple[str, str]]:
    with pytest.raises(RuleError) as info:
        load_rulebook([RuleSource(path, path.name, 0)])
    return [(p.code, p.where) for p in info.value.problems]


def macro_file(tmp_path: Path, macros: list[str], pattern: str) -> Path:
    path = tmp_path / "user.toml"
    path.write_text("[macros]\n" + "\n".join(macros) + GOOD.replace("\\d+ pcts", pattern), encoding="utf-8")
    return path


def test_macros_that_double_at_each_level_stop_at_the_size_bound_in_the_file(tmp_path):
    levels = 26  # 2**26 characters, were it expanded: gigabytes once wrapped in groups
    path = macro_file(tmp_path, ['D0 = "x"', *(f'D{i} = "{{D{i - 1}}}{{D{i - 1}}}"' for i in range(1, levels + 1))],
                      f"{{D{levels}}}")

    found = bounded_problems(path)

    first_too_large = next(i for i in range(levels) if 2 ** i > MAX_EXPANDED)
    assert found and {code for code, _ in found} == {"FX110"}
    assert ("FX110", f"user.toml:{first_too_large + 2}") in found  # at the macro's own line


@pytest.mark.parametrize("order", [range(1, 5001), range(5000, 0, -1)])
def test_a_macro_chain_thousands_deep_is_a_located_error_not_a_recursion_error(tmp_path, order):
    path = macro_file(tmp_path, ['C0 = "x"', *(f'C{i} = "{{C{i - 1}}}"' for i in order)], "{C5000}")

    found = bounded_problems(path)

    assert found and {code for code, _ in found} == {"FX110"}
    assert all(where.startswith("user.toml:") for _, where in found)


def test_a_chain_of_macros_within_the_depth_bound_loads(tmp_path):
    depth = MAX_MACRO_DEPTH - 1
    path = macro_file(tmp_path, ['C0 = "x"', *(f'C{i} = "{{C{i - 1}}}"' for i in range(1, depth))],
                      f"{{C{depth - 1}}} pcts")

    book = load_rulebook([RuleSource(path, path.name, 0)])

    assert book.rules[0].pattern.search("x pcts")


def test_toml_nested_fifty_thousand_deep_is_a_located_error(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text("a = " + "[" * 50_000 + "]" * 50_000 + "\n" + GOOD, encoding="utf-8")

    parsed, problems = parse_rule_file(path, "deep.toml")

    assert parsed is None and [(p.code, p.where) for p in problems] == [("FX110", "deep.toml")]
