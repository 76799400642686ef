"""Cheap tests before costly patterns: the strings a regex cannot match without.

``needs(rx)`` reads a compiled pattern's syntax tree and returns lower-cased strings of which
every match holds at least one (None when it finds no such strings). On ASCII text, where
re.IGNORECASE is plain ASCII case folding, ``may_match(needs, lower)`` is False only when the
pattern cannot match, so a pattern is tried only where it can: the same matches, fewer scans.
On other text the caller tries the pattern.
"""
from __future__ import annotations

import re
from re import _constants as C
from re import _parser

_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT)
_MAX_STRINGS = 32  # a longer list of alternatives costs more to test than it saves


def needs(rx: re.Pattern[str]) -> tuple[str, ...] | None:
    """Strings (lower-cased) of which every match of ``rx`` holds one, or None."""
    found = _needs(list(_parser.parse(rx.pattern, rx.flags)))
    return tuple(sorted(found)) if found else None


def needs_any(patterns: list[re.Pattern[str]]) -> tuple[str, ...] | None:
    """Strings of which every match of any of the patterns holds one, or None."""
    found = [needs(rx) for rx in patterns]
    return None if None in found else tuple(sorted(_minimal(frozenset(s for f in found for s in f))))


def ascii_lower(text: str) -> str | None:
    """The text lower-cased when it is ASCII (what ``may_match`` reads), else None."""
    return text.lower() if text.isascii() else None


def may_match(required: tuple[str, ...] | None, lower: str | None) -> bool:
    """False when ``lower`` (ASCII text lower-cased; None for other text) holds none of the strings
    ``needs`` returned, so the pattern cannot match."""
    if required is None or lower is None:
        return True
    for s in required:  # a plain loop: any() over a generator costs more than the tests themselves
        if s in lower:
            return True
    return False


def _needs(items) -> frozenset[str] | None:
    """The strongest test a sequence of items gives: runs of items that match one of a few
    exact strings join into those strings; other items give what they need inside."""
    options: list[frozenset[str]] = []
    run: frozenset[str] = frozenset([""])
    for op, av in items:
        exact = _exact(op, av)
        if exact is not None and len(run) * len(exact) <= _MAX_STRINGS:
            run = frozenset(a + b for a in run for b in exact)
            continue
        options.append(run)
        run = frozenset([""])
        options.append(_exact_or_needs(op, av, exact))
    options.append(run)
    options = [o for o in (_minimal(o) for o in options if o) if "" not in o]
    # the strongest: the longest shortest string, then the fewest strings, then the last (a pattern's
    # closing words, "... to life", tend to be rarer than its opening ones)
    return max(reversed(options), key=lambda o: (min(map(len, o)), -len(o)), default=None)


def _exact_or_needs(op, av, exact: frozenset[str] | None) -> frozenset[str] | None:
    if exact is not None:
        return exact
    if op is C.SUBPATTERN:
        return _needs(av[3])
    if op is C.ATOMIC_GROUP:
        return _needs(av)
    if op in _REPEATS and av[0] >= 1:
        return _needs(av[2])
    if op is C.BRANCH:
        branches = [_needs(b) for b in av[1]]
        if any(not b for b in branches):
            return None  # a branch that needs nothing: the alternation needs nothing
        return frozenset().union(*branches)
    return None  # classes, anchors, lookarounds, back-references: no string required


def _exact(op, av) -> frozenset[str] | None:
    """The few strings (lower-cased) an item matches exactly, or None."""
    if op is C.LITERAL:
        return frozenset([chr(av).lower()]) if av < 128 else None
    if op is C.IN:
        if all(o is C.LITERAL and a < 128 for o, a in av):
            return frozenset(chr(a).lower() for _, a in av)
        return None
    if op is C.SUBPATTERN:
        return _exact_sequence(av[3])
    if op is C.BRANCH:
        out: set[str] = set()
        for b in av[1]:
            e = _exact_sequence(b)
            if e is None:
                return None
            out |= e
        return frozenset(out) if len(out) <= _MAX_STRINGS else None
    if op is C.MAX_REPEAT and av[1] == 1:  # x? (or x{1})
        e = _exact_sequence(av[2])
        return None if e is None else (e if av[0] == 1 else e | {""})
    return None


def _exact_sequence(items) -> frozenset[str] | None:
    out = frozenset([""])
    for op, av in items:
        e = _exact(op, av)
        if e is None or len(out) * len(e) > _MAX_STRINGS:
            return None
        out = frozenset(a + b for a in out for b in e)
    return out


def _minimal(strings: frozenset[str]) -> frozenset[str]:
    """Drop every string that holds another one of the set (holding the shorter is enough)."""
    return frozenset(s for s in strings if not any(t != s and t in s for t in strings))
