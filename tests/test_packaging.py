"""The wheel carries plugins and rules inside factx, and registers built-ins as entry points."""
import subprocess
import sys
import zipfile
from importlib.metadata import entry_points

from factx.loading import builtin_plugins
from tests.conftest import ROOT


def test_builtins_are_entry_points():
    declared = {ep.name: ep.value for ep in entry_points(group="factx")}
    for name, module in builtin_plugins():
        assert declared.get(name) == module


def test_wheel_layout(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True)
    [wheel] = tmp_path.glob("factx-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names}
    assert top == {"factx", wheel.name.rsplit("-", 3)[0] + ".dist-info"}  # no top-level plugins/ or rules/
    for path in (ROOT / "plugins").glob("*.py"):
        assert f"factx/plugins/{path.name}" in names
    for path in (ROOT / "rules").glob("*.toml"):
        assert f"factx/rules/{path.name}" in names
    assert "factx/units.txt" in names
