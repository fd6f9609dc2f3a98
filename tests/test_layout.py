"""The house: no import circles in factx, and the optional parts above the core, never below it."""
import ast
from pathlib import Path

import factx

PACKAGE = Path(factx.__file__).resolve().parent
OPTIONAL = ("factx.dask", "factx.serve")


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "plugins" in path.relative_to(PACKAGE).parts:
            continue  # the built-in plugins are above the core, as anyone's
        name = ".".join(("factx", *path.relative_to(PACKAGE).with_suffix("").parts))
        found[name.removesuffix(".__init__")] = path
    return found


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The factx modules a module imports, wherever the import stands (inside functions and TYPE_CHECKING too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            subs = {f"{node.module}.{a.name}" for a in node.names} & known.keys()
            found |= subs | ({node.module} & known.keys() if len(subs) < len(node.names) else set())
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names} & known.keys()
    return found


def test_no_module_of_factx_imports_itself_back():
    known = modules()
    graph = {name: imports(path, known) - {name} for name, path in known.items()}
    circles = []
    for start in graph:
        stack, seen = [(start, [start])], set()
        while stack:
            name, trail = stack.pop()
            for nxt in graph[name]:
                if nxt == start:
                    circles.append(trail)
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*trail, nxt]))
    assert circles == []


def test_the_core_never_imports_the_optional_parts():
    known = modules()
    above = ("factx.commands", *OPTIONAL)  # the commands start the optional parts, lazily
    offenders = {name: sorted(i for i in imports(path, known) if i.startswith(OPTIONAL))
                 for name, path in known.items() if not name.startswith(above)}
    assert {name: found for name, found in offenders.items() if found} == {}
