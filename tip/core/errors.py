"""Errors a user can act on. The CLI prints them as one line and exits non-zero."""


class UserError(Exception):
    """Bad input or a situation the user must resolve (names the input, says what is wrong)."""


class LockBusy(UserError):
    """Another process is writing the same panel."""


class ValidationFailed(Exception):
    """A critical expectation failed; the published panel was left as it was."""

    def __init__(self, message: str, report: object | None = None):
        super().__init__(message)
        self.report = report


class SourcesUnreachable(Exception):
    """A requested report year reached no source (its hosts unreachable, every page an error):
    the run publishes nothing and exits 1. ``years`` maps each such year to the reason."""

    def __init__(self, message: str, years: dict | None = None, summary: object | None = None):
        super().__init__(message)
        self.years = years or {}
        self.summary = summary
