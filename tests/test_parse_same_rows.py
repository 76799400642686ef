"""The parse stage's staging rows are exactly the ones recorded in tests/fixtures/parse_fingerprints.json.

One fingerprint per document (sha256 of its sorted staging rows, see bench/fingerprints.py) on
every labelled set, the real-text set when its texts are present, and a sample of the synthetic
benchmark corpus (when ../shared is there). A speed-up must leave every fingerprint unchanged.
When the parser's output changes ON PURPOSE, bump tip.parse.PARSER_VERSION and regenerate:
``uv run python -m bench.fingerprints write``.
"""
from __future__ import annotations

import json

from bench import fingerprints as fp
from tip.parse import PARSER_VERSION


def test_staging_rows_are_the_recorded_ones():
    stored = json.loads(fp.FIXTURE.read_text(encoding="utf-8"))
    docs = fp.sets()
    assert {"labelled", "labelled_round2", "labelled_round3"} <= set(docs)
    changed = fp.diff(stored["sets"], fp.compute(docs))
    if not changed:
        return
    if stored["parser_version"] == PARSER_VERSION:
        why = (f"the parser's staging rows changed for {len(changed)} documents while PARSER_VERSION is still "
               f"{PARSER_VERSION}. If this is a speed-up or a refactor, it changed the output: fix it. If the change "
               "is intended, bump tip.parse.PARSER_VERSION and regenerate the fixture deliberately with "
               "`uv run python -m bench.fingerprints write`.")
    else:
        why = (f"PARSER_VERSION is {PARSER_VERSION} but the fixture was written for {stored['parser_version']}: "
               "the output changed on purpose? Regenerate the fixture with `uv run python -m bench.fingerprints write`.")
    raise AssertionError(why + "\n" + "\n".join(changed[:40]) + ("\n..." if len(changed) > 40 else ""))
