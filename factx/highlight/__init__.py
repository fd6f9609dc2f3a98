"""The facts highlighted in their text: the pieces `factx serve`'s page and the HTML report share.

Each piece is a file of this package (CSS, JavaScript, an HTML template); a
page is a template with the pieces put into its `/*@name*/` slots, so it needs
no other file, no network and no build step.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from importlib.resources import files
from typing import Any

_SLOT = re.compile(r"/\*@([\w.-]+)\*/")
# Inside <script>, "</script>" or "<!--" would end or change the script; as JSON escapes they are inert.
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def asset(name: str, package: str = __name__) -> str:
    """The text of one file shipped in a package (by default this one)."""
    return (files(package) / name).read_text(encoding="utf-8")


def fill(template: str, parts: Mapping[str, str]) -> str:
    """Put each part into its `/*@name*/` slot, in one pass, so that no part is read as a template."""
    return _SLOT.sub(lambda m: parts[m[1]], template)


def script_json(data: Any) -> str:
    """`data` as JSON that can stand inside a <script> element whatever strings it holds."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: _SCRIPT_UNSAFE[m[0]], text)
