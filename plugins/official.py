"""The `official` plugin: office holders with their title, name, country and organization."""
from __future__ import annotations

from collections.abc import Iterator
from importlib.resources import files
from typing import Any, Literal

import regex
from pydantic import Field

from factx import Candidate, Document, Draft, FactType, Rule, RuleSet, Value, hookimpl
from factx.toolkit import compile_pattern, group_numbers, named_groups, normalize_key, stored

VERSION = "0.1.0"

Status = Literal["former", "acting", "designate", "then"]


class OfficialValue(Value):
    """A person named with the office they hold, or a specific office standing alone."""

    title: str = Field(description="The office as written, without the person, status, country or organization.")
    person: str | None = Field(default=None, description="The office holder's name as written, or null.")
    country: str | None = Field(default=None, description="ISO 3166 alpha-2 code of the office's country, where known.")
    organization: str | None = Field(
        default=None, description="Who the office belongs to where not a country: 'Federal Reserve', 'IMF'.")
    status: Status | None = Field(default=None, description="Former, acting, designate or then, where written.")


@hookimpl
def factx_register_fact_types(register) -> None:
    register(FactType("official", OfficialValue, VERSION, "A person named with the office they hold."))


@hookimpl
def factx_register_rule_paths(register) -> None:
    register(files("factx") / "rules" / "official.toml")


@hookimpl
def factx_extract(document: Document, rules: RuleSet) -> Iterator[Candidate]:
    def build(rule: Rule, m: regex.Match[str]) -> list[Draft] | None:
        draft = _draft(rules, m)
        return [draft] if draft else None

    candidates = list(rules.candidates(document.text, build))
    named = [(c.start, d.value) for c in candidates if c.rule_id != _LONE_TITLE
             for d in c.drafts if d.value["person"]]
    return iter([c for c in candidates if c.rule_id != _LONE_TITLE or _holder_named(rules, c, named)])


# A bare title that says something ("the governor said") names the office's holder in the story,
# unless the story has named more than one holder of that office before it.
_LONE_TITLE = "official.the_title_said"
# How far back the holders a lone title may stand for are read: a story's length, and within the
# margin a long document's pieces are read with, so that a piece finds what the whole finds.
_HOLDER_REACH = 4000


def _holder_named(rules: RuleSet, lone: Candidate, named: list[tuple[int, dict[str, Any]]]) -> bool:
    """Whether at most one person holds the lone title's office among the officials named shortly before it:
    not with a "press secretary" and a "Treasury Secretary" before "the secretary"; a deputy or vice
    holder is not the holder ("Deputy Governor John Roe")."""
    head = lone.drafts[0].value["title"].casefold()
    holders = {value["person"] for start, value in named if lone.start - _HOLDER_REACH <= start < lone.start
               and _holds(rules, value["title"].casefold(), head)}
    return len(holders) <= 1


def _holds(rules: RuleSet, title: str, head: str) -> bool:
    words = title.split()
    return title.endswith(head) and not any(_lookup(rules, w, "OFFICIAL_MODIFIER") for w in words[:-len(head.split())])


def _draft(rules: RuleSet, m: regex.Match[str]) -> Draft | None:
    """The fact a match makes, or None where a check the pattern cannot make rejects it."""
    g = {name: text for name, text in named_groups(m).items() if text}
    if "indef" in g or not _destination_holds(rules, m, g):
        return None
    title_span = [_title_start(m, g), m.end("dest") if "dest" in g else m.end("title")]
    name_span = _person_span(rules, m, g, title_span) if "person" in g else None
    if "person" in g and name_span is None:
        return None
    title = _clean(m.string[slice(*title_span)])
    person = _clean(m.string[slice(*name_span)]) if name_span else None
    if person is None and (title.isupper() or _undetermined(m, g, title_span[0], title)):
        return None  # a headline in capitals, or "Premier said": a company named like an office
    if person is not None and " " not in person and title[0].islower() and name_span[0] > title_span[0]:
        return None  # "committee chairman Citibank": a one-word name after a title needs a capitalized title
    if _weak_apposition(rules, m, g, person, title):
        return None
    country, organization = _owner(rules, g.get("prefix"), g.get("org"))
    value = {"title": title, "person": person, "country": country, "organization": organization,
             "status": _status(rules, g.get("status"), g.get("suffix"))}
    spans = [title_span, *([name_span] if name_span else []), *(m.span(n) for n in ("status", "suffix") if n in g)]
    if country or organization:  # the span covers what the owner was read from: "U.S.", "of the Bank of Japan"
        spans += [m.span(n) for n in ("prefix", "org") if n in g]
    return Draft(min(start for start, _ in spans), max(end for _, end in spans), value)


def _destination_holds(rules: RuleSet, m: regex.Match[str], g: dict[str, str]) -> bool:
    """Drop a destination that names no place ("Deputy Administrator for Commodity Operations");
    False where only the destination made a bare head specific enough to stand alone."""
    if "dest" not in g or _is_destination(rules, g["dest"]):
        return True
    del g["dest"]
    return "person" in group_numbers(m.re) or "pre" in g or not _is_bare_head(rules, g["title"])


def _person_span(rules: RuleSet, m: regex.Match[str], g: dict[str, str],
                 title_span: list[int]) -> tuple[int, int] | None:
    """The span of the person's name; with "to", the destination read into the name run moves
    to the title ("Ambassador to South Korea Philip Goldberg")."""
    name_start = m.start("person")
    if "to" in g:
        split = _split_destination(rules, m)
        if split is None:
            return None
        title_span[1], name_start = split
    return _name_span(rules, m, name_start)


_WORD = compile_pattern(r"\S+")
_COORDINATION = compile_pattern(r"\s*,\s*|\s+and\s+")
_DETERMINED = compile_pattern(r"(?i:\b(?:the|its|his|her|their|our|as|be|been|became|become|was|is|new)|['’]s?)\s+$")


def _undetermined(m: regex.Match[str], g: dict[str, str], start: int, title: str) -> bool:
    """A capitalized bare head standing alone with nothing before it to make it an office:
    "Premier said" names a company; "the Premier said", "the government's Inspector General" name an office."""
    if any(name in g for name in ("pre", "prefix", "status", "dest")) or " of " in title or " for " in title:
        return False
    return title[0].isupper() and not _DETERMINED.search(m.string, max(0, start - 20), start)


def _title_start(m: regex.Match[str], g: dict[str, str]) -> int:
    """Where the title starts: at the modifiers and portfolios read before its head (group `pre`),
    but past coordinated parts written in another case than the head ("energy and Trade Minister");
    without coordination, case tells nothing ("Treasury secretary")."""
    if "pre" not in g:
        return m.start("title")
    upper = m.group("title")[0].isupper()
    offsets = [0, *(c.end() for c in _COORDINATION.finditer(g["pre"]))]
    for offset in offsets:
        if offset < len(g["pre"]) and g["pre"][offset].isupper() == upper:
            return m.start("pre") + offset
    return m.start("pre") if len(offsets) == 1 else m.start("title")


def _is_destination(rules: RuleSet, text: str) -> bool:
    name = _clean(text)
    return _place(rules, name) is not None or _lookup(
        rules, name, "OFFICIAL_INTERNATIONAL_ORG", "OFFICIAL_ORG_COUNTRY") is not None


def _split_destination(rules: RuleSet, m: regex.Match[str]) -> tuple[int, int] | None:
    """Where the destination read into the name run ends and the name starts: the longest
    leading words that are a place or an international organization, leaving a name."""
    words = list(_WORD.finditer(m.group("person")))
    for n in range(len(words) - 1, 0, -1):
        if _is_destination(rules, " ".join(w.group() for w in words[:n])):
            return m.start("person") + words[n - 1].end(), m.start("person") + words[n].start()
    return None


def _name_span(rules: RuleSet, m: regex.Match[str], start: int) -> tuple[int, int] | None:
    """The person's name from `start` without place words after it ("Secretary of State George
    Shultz China's"), or None where it is no name: a place ("In Washington, the president"), a
    run that starts with one ("Chilean Copper Commission"), or a title word ("Minister of Regional and
    Industrial Expansion", "Chief Whip Jane Roe", read from "Chief")."""
    words = list(_WORD.finditer(m.string, start, m.end("person")))
    if _place(rules, words[0].group()) or _lookup(rules, words[0].group(), "OFFICIAL_PORTFOLIO", "OFFICIAL_MODIFIER",
                                                  "OFFICIAL_HEAD"):
        return None
    while len(words) > 1 and _place(rules, words[-1].group()):
        words.pop()
    return start, words[-1].end()


def _weak_apposition(rules: RuleSet, m: regex.Match[str], g: dict[str, str], person: str | None, title: str) -> bool:
    """A one-word "name" before a comma and a bare title with no owner: "Separately, the president said"."""
    if person is None or m.start("person") > m.start("title") or " " in person:
        return False
    if "prefix" in g or "org" in g:
        return False
    return all(word == "and" or _is_bare_head(rules, word) for word in title.replace(",", " ").split())


def _is_bare_head(rules: RuleSet, word: str) -> bool:
    return _lookup(rules, word, "OFFICIAL_HEAD", "OFFICIAL_HEAD_WEAK") is not None


def _clean(text: str | None) -> str | None:
    """Text as written on one line: "vice-\npresident" is "vice-president", "Prime\nMinister" is "Prime Minister"."""
    return " ".join(_LINE_BREAK_HYPHEN.sub("-", text).split()) if text else None


_LINE_BREAK_HYPHEN = compile_pattern(r"-[^\S\n]*\n\s*")


def _status(rules: RuleSet, before: str | None, after: str | None) -> Status | None:
    if after:
        return _lookup(rules, after, "OFFICIAL_STATUS_AFTER")
    if before:
        return _lookup(rules, before, "OFFICIAL_STATUS_BEFORE")
    return None


def _owner(rules: RuleSet, prefix: str | None, org: str | None) -> tuple[str | None, str | None]:
    """The country and organization named before a title ("U.S.", "Bank of Japan") or after it."""
    country, organization = _split_owner(rules, prefix) if prefix else (None, None)
    if org:
        org_country, organization = _split_owner(rules, org)
        country = country or org_country
    return country, organization


_POSSESSIVE = compile_pattern(r"['’]s?$")


def _split_owner(rules: RuleSet, text: str) -> tuple[str | None, str | None]:
    """Split "U.S. House Ways and Means" into a leading country (US) and the rest, an organization."""
    words = _POSSESSIVE.sub("", text).split()
    if words and words[0].casefold() == "the":
        words = words[1:]
    for n in range(min(4, len(words)), 0, -1):
        code = _place(rules, " ".join(words[:n]))
        if code:
            rest = words[n:]
            # "U.S. House", "Japanese Foreign Ministry": a country and its institution; but
            # "Texas Air", "British Airways": a company named after a place.
            if rest and not _is_institution(rules, rest) or [w.casefold() for w in rest] == ["bank"]:
                return code, " ".join(words)  # "Texas Air" is a company; "Bangladesh Bank" a central bank
            return code, " ".join(rest) or None
    organization = " ".join(words) or None
    return _country_of_org(rules, words), organization


def _is_institution(rules: RuleSet, words: list[str]) -> bool:
    """An institution's name: with an institution or portfolio word ("House", "Treasury"), known, or an acronym."""
    name = " ".join(words)
    return (name.isupper() or _lookup(rules, name, "OFFICIAL_ORG_COUNTRY") is not None
            or any(_lookup(rules, w, "OFFICIAL_INSTITUTION", "OFFICIAL_PORTFOLIO") is not None for w in words))


def _country_of_org(rules: RuleSet, words: list[str]) -> str | None:
    """The country an organization belongs to: a known one ("Bundesbank"), or "... of Japan"."""
    known = _lookup(rules, " ".join(words), "OFFICIAL_ORG_COUNTRY")
    if known is None and "of" in words:
        return _place(rules, " ".join(words[len(words) - words[::-1].index("of"):]))
    return known


def _place(rules: RuleSet, text: str) -> str | None:
    """The alpha-2 code of a country, demonym, capital or region, or None."""
    key = normalize_key(text)
    code = _find(rules, key, "OFFICIAL_COUNTRY_ALIAS", "OFFICIAL_DEMONYM", "OFFICIAL_CAPITAL")
    return code if code is not None else _iso_places().get(key)


def _lookup(rules: RuleSet, text: str, *list_names: str) -> Any:
    """What the first of the word lists holding `text` gives it, or None."""
    return _find(rules, normalize_key(text), *list_names)


def _find(rules: RuleSet, key: str, *list_names: str) -> Any:
    for list_name in list_names:
        value = rules.lists[list_name].get(key)
        if value is not None:
            return value
    return None


_REGION_TYPES = {"State", "Province", "Prefecture", "Land", "Canton", "Autonomous community", "Territory"}


@stored("pycountry")
def _iso_places() -> dict[str, str]:
    """Country names (ISO 3166-1) and unambiguous state and province names (ISO 3166-2), from pycountry."""
    import pycountry  # imported on first use: it reads its databases when loaded

    regions: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        if sub.parent_code is None and sub.type in _REGION_TYPES:
            regions.setdefault(normalize_key(sub.name), set()).add(sub.country_code)
    places = {name: codes.pop() for name, codes in regions.items() if len(codes) == 1}
    for country in pycountry.countries:
        for name in (country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)):
            if name:
                places[normalize_key(name)] = country.alpha_2
    return places
