"""Progress on stderr: a rich bar with counts, rate and time left on a terminal; the plain lines otherwise."""
import io
import sys

from tip.core import progress


class Tty(io.StringIO):
    def isatty(self):
        return True


def test_plain_lines_when_not_a_terminal(capsys):
    p = progress.stderr_progress("fetch")
    progress.add_total(p, 3)
    progress.advance(p, 3)
    p("2014: 3 narrative pages")
    assert capsys.readouterr().err == "[fetch] 2014: 3 narrative pages\n"
    quiet = lambda msg: None  # noqa: E731  any callable still works
    progress.add_total(quiet, 5)
    progress.advance(quiet)


def test_a_bar_on_a_terminal(monkeypatch):
    out = Tty()
    monkeypatch.setattr(sys, "stderr", out)
    monkeypatch.setattr(progress, "_bars", None)
    monkeypatch.setattr(progress, "_tasks", {})
    p = progress.with_log(progress.stderr_progress("parse"), lambda msg: None)
    progress.add_total(p, 4)
    bars = progress._bars
    assert bars is not None and bars.live.is_started
    progress.advance(p, 2)
    p("halfway")
    progress.advance(p, 2)
    assert not bars.live.is_started          # stops when every stage's work is done
    text = out.getvalue()
    assert "[parse] halfway" in text and "4/4" in text and "documents" in text and "left" in text
