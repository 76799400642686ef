"""Compare marts.global_year with the report's own global law-enforcement table.

The TIP Report prints a table of worldwide prosecutions, convictions and victims identified per
year (labor trafficking in brackets). Its "Year" is the reporting period, so a row for Year Y
compares with the panel's report year Y + 1 (``data_year`` = Y). A copy of that table, as
published, is read from a CSV file with the columns::

    Year, Prosecutions, Prosecutions (Labor), Convictions, Convictions (Labor),
    Victims identified, Victims (Labor)[, New or amended legislation]

(empty cells are figures the report does not give). Nothing of it is stored in this repository.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from tip.core.errors import UserError

# report table column -> marts.global_year column (and the coverage column that says how many
# narratives stated the figure)
COLUMNS: dict[str, tuple[str, str | None]] = {
    "Prosecutions": ("prosecutions", "n_reporting_prosecutions"),
    "Prosecutions (Labor)": ("prosecutions_labor", None),
    "Convictions": ("convictions", "n_reporting_convictions"),
    "Convictions (Labor)": ("convictions_labor", None),
    "Victims identified": ("victims_identified", "n_reporting_victims_identified"),
    "Victims (Labor)": ("victims_identified_labor", None),
}


@dataclass(frozen=True)
class Comparison:
    data_year: int            # the report table's Year
    report_year: int          # the TIP Report whose narratives give the panel's figure
    measure: str              # marts.global_year column
    report_value: int | None  # the report's own total
    panel_value: int | None   # the sum over the panel's narratives (None: no narrative states it)
    n_countries: int | None   # narratives in the panel for that report year (None: year not in the panel)
    n_reporting: int | None   # narratives stating the figure

    @property
    def difference(self) -> int | None:
        if self.report_value is None or self.panel_value is None:
            return None
        return self.panel_value - self.report_value

    @property
    def share(self) -> float | None:
        """panel / report: how much of the report's total the panel's narratives account for."""
        if not self.report_value or self.panel_value is None:
            return None
        return self.panel_value / self.report_value


def _int(cell: str | None, where: str) -> int | None:
    cell = (cell or "").strip().replace(",", "")
    if not cell:
        return None
    try:
        return int(float(cell))
    except ValueError:
        raise UserError(f"{where}: {cell!r} is not a number") from None


def read_report_table(path: Path) -> dict[int, dict[str, int | None]]:
    """{data_year: {global_year column: value}} from the report's table as CSV."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such file (the report's global law-enforcement table as CSV)")
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        header = [h.strip() for h in (reader.fieldnames or [])]
        if "Year" not in header or not any(c in header for c in COLUMNS):
            raise UserError(f"{path}: expected a 'Year' column and some of {', '.join(COLUMNS)}")
        out: dict[int, dict[str, int | None]] = {}
        for i, row in enumerate(reader, start=2):
            row = {(k or "").strip(): v for k, v in row.items()}
            year = _int(row.get("Year"), f"{path} line {i}, Year")
            if year is None:
                continue
            out[year] = {col: _int(row.get(name), f"{path} line {i}, {name}") for name, (col, _) in COLUMNS.items()
                         if name in header}
    return out


def compare(con, path: Path) -> list[Comparison]:
    """One Comparison per report-table year and figure, in year order."""
    table = read_report_table(path)
    cols = sorted({c for c, _ in COLUMNS.values()} | {n for _, n in COLUMNS.values() if n})
    rows = con.execute(f"SELECT data_year, report_year, n_countries, {', '.join(cols)} FROM marts.global_year").fetchall()
    panel = {r[0]: dict(zip(["data_year", "report_year", "n_countries", *cols], r)) for r in rows}
    out = []
    for year in sorted(table):
        p = panel.get(year)
        for name, (col, cover) in COLUMNS.items():
            if col not in table[year]:
                continue
            out.append(Comparison(
                data_year=year, report_year=year + 1, measure=col, report_value=table[year][col],
                panel_value=None if p is None else p[col],
                n_countries=None if p is None else p["n_countries"],
                n_reporting=None if p is None or cover is None else p[cover]))
    return out
