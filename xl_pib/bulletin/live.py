"""=PIB_ formulas for the analysts' live workbook.

The live workbook has exactly the layout of the headless bulletin; this
module supplies the formula for each live cell. Python is called once per
column range, never once per month or per indicator cell:
- Series: one PIB_SERIES call fills each block (values, denominators) for
  every indicator and month;
- Workings: one array formula per figure column covers every indicator;
- each Performance Table is one PIB_PERFORMANCE_TABLE array formula down its
  value column.
Formulas point at the input sheets by the cells the analyst's rows occupy,
so Excel keeps them right when rows or columns are inserted.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from ..errors import PibError
from .workings import WORKINGS, WORKINGS_COLUMNS, SeriesLayout, workings_column_ref, workings_ref

# Data rows the live formulas read: room for years of monthly data.
DATA_ROWS = 20000
_NATIVE_PER_CELL = ("msg_count", "msg_population", "msg_group_count", "msg_group_population")


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


class InputRefs:
    """Cell addresses on the analyst's input sheets, found by their headers."""

    def __init__(self, inputs):
        self.sheets = {name.strip().lower(): name for name in inputs.sheets}
        self.headers = {key: {str(h).strip().lower(): i for i, h in enumerate(rows[0]) if h not in (None, "")}
                        for key, rows in ((k.strip().lower(), r) for k, r in inputs.sheets.items()) if rows}
        self.target_rows = inputs.targets["_row"].tolist()
        if self.target_rows != list(range(self.target_rows[0], self.target_rows[0] + len(self.target_rows))):
            gap = next(r for r in range(self.target_rows[0], self.target_rows[-1]) if r not in self.target_rows)
            raise PibError(f"Targets row {gap}: the live workbook needs the Targets rows without blank rows "
                           "between them; delete the blank row and try again")
        settings = inputs.sheets[self.sheets["settings"]]
        setting_col = self.headers["settings"]["setting"]
        self.setting_rows = {str(row[setting_col]).strip().lower(): r
                             for r, row in enumerate(settings[1:], start=2)
                             if len(row) > setting_col and row[setting_col] not in (None, "")}
        self.value_col = get_column_letter(self.headers["settings"]["value"] + 1)

    def column(self, sheet: str, header: str) -> str | None:
        index = self.headers.get(sheet, {}).get(header.lower())
        return None if index is None else get_column_letter(index + 1)

    def target(self, index: int, header: str) -> str:
        """Absolute reference to one indicator's Targets cell, or "" if the column is absent."""
        letter = self.column("targets", header)
        if letter is None:
            return '""'
        return f"{_quote(self.sheets['targets'])}!${letter}${self.target_rows[index]}"

    def targets(self, header: str) -> str:
        """The Targets column for every indicator (one cell per Workings row), or "" if absent."""
        letter = self.column("targets", header)
        if letter is None:
            return '""'
        return (f"{_quote(self.sheets['targets'])}!${letter}${self.target_rows[0]}:"
                f"${letter}${self.target_rows[-1]}")

    def setting(self, key: str, default) -> str:
        """Reference to a setting's Value cell; its default as a literal when the row is absent.

        A blank setting cell means the default, as in the headless build.
        """
        literal = f'"{default}"' if isinstance(default, str) else repr(default)
        row = self.setting_rows.get(key)
        if row is None:
            return literal
        cell = f"{_quote(self.sheets['settings'])}!${self.value_col}${row}"
        return f'IF({cell}="",{literal},{cell})'

    def data(self, header: str) -> str:
        letter = self.column("data", header)
        return f"{_quote(self.sheets['data'])}!${letter}$2:${letter}${DATA_ROWS}"

    def msg(self, header: str) -> str | None:
        if "msg" not in self.sheets:
            return None
        letter = self.column("msg", header)
        return f"{_quote(self.sheets['msg'])}!${letter}$2:${letter}${DATA_ROWS}"


class LiveFormulas:
    """Formulas for the live workbook's cells, keyed as the writers ask for them."""

    def __init__(self, assessment, series: SeriesLayout):
        self.inputs = assessment.inputs
        self.refs = InputRefs(self.inputs)
        self.series = series
        self.count = len(self.inputs.targets)
        self.measures = self.inputs.targets["measure"].tolist()

    # Series -----------------------------------------------------------------------

    def series_block(self, block: int) -> str:
        column = "Value" if block == 0 else "Denominator"
        if not self.refs.column("data", column):
            return '=""'
        latest = self.refs.setting("latest month", "")
        return (f"=PIB_SERIES({self.series.axis},{self.refs.data('Month')},{self.refs.data('Indicator')},"
                f"{self.refs.data(column)},{self.series.ids_range(block)},{latest})")

    # Workings ---------------------------------------------------------------------

    def workings_column(self, key: str) -> str | None:
        """One array formula for the whole column, or None for columns written cell by cell."""
        t = self.refs.targets
        w = lambda k: workings_column_ref(k, self.count)  # noqa: E731
        values, denominators, axis = self.series.block_ref(0), self.series.block_ref(1), self.series.axis
        per = f'IF({t("Rate per")}="",100000,{t("Rate per")})' if t("Rate per") != '""' else "100000"
        target_type = t("Target type")
        conf = self.refs.setting("confidence", 0.95)
        formulas = {
            "indicator": f"{t('Indicator')}&\"\"",
            "measure": f"LOWER(TRIM({t('Measure')}))",
            "direction": f'IF(TRIM({t("Direction")})="","down",LOWER(TRIM({t("Direction")})))',
            "assessed_month": f"TRANSPOSE(PIB_LAST_MONTH({axis},{values}))",
            "months_elapsed": f"PIB_MONTHS_BETWEEN({t('Baseline end')},{w('assessed_month')})",
            "months_total": f"PIB_MONTHS_BETWEEN({t('Baseline end')},{t('Target date')})",
            "months_to_target": f"PIB_MONTHS_BETWEEN({w('assessed_month')},{t('Target date')})",
            "baseline": f'IF({t("Baseline")}<>"",{t("Baseline")},TRANSPOSE(PIB_ROLLING_AT({axis},{values},'
                        f'{t("Baseline end")},{w("measure")},{denominators},{t("Population")},{per})))',
            "target": f'IF((TRIM({target_type})="")+(LOWER(TRIM({target_type}))="none"),"N/A",'
                      f'IF({t("Target value")}<>"",{t("Target value")},'
                      f'PIB_TARGET({w("baseline")},{target_type},{t("Target amount")},{w("measure")})))',
            "current": f'IF({t("Current override")}<>"",{t("Current override")},'
                       f'TRANSPOSE(PIB_CURRENT({values},{w("measure")},{denominators},{t("Population")},{per})))',
            "change_from_baseline": f'PIB_CHANGE_FROM_BASELINE({w("current")},{w("baseline")},{w("measure")})',
            "trend_target": f'IF(ISNUMBER({w("target")}),IF({w("measure")}="rate",'
                            f'{w("target")}*{t("Population")}/{per},{w("target")}),"N/A")',
            "current_denominator": f'IF({w("measure")}<>"percentage","N/A",IF({t("Current denominator")}<>"",'
                                   f'{t("Current denominator")},TRANSPOSE(PIB_CURRENT({denominators}))))',
            "baseline_denominator": f'IF({w("measure")}<>"percentage","N/A",IF({t("Baseline denominator")}<>"",'
                                    f'{t("Baseline denominator")},TRANSPOSE(PIB_ROLLING_AT({axis},{denominators},'
                                    f'{t("Baseline end")}))))',
            "significant_change": f'IF({w("measure")}<>"percentage","N/A",PIB_SIG_CHANGE('
                                  f'{w("current")}*{w("current_denominator")},{w("current_denominator")},'
                                  f'{w("baseline")}*{w("baseline_denominator")},{w("baseline_denominator")},{conf}))',
        }
        text = formulas.get(key)
        return None if text is None else "=" + text

    def workings_cell(self, index: int, key: str) -> str | None:
        """Per-cell native formulas (the MSG totals: SUMIFS over the MSG sheet, no Python call)."""
        if key not in _NATIVE_PER_CELL:
            return None
        t = lambda header: self.refs.target(index, header)  # noqa: E731
        count, population = self.refs.msg("Count"), self.refs.msg("Population")
        if count is None:
            return '="N/A"'
        ids, areas = self.refs.msg("Indicator"), self.refs.msg("Area")
        area = f'IF({t("Area")}<>"",{t("Area")},{self.refs.setting("partnership", "")})'
        own = f'{ids},{t("Indicator")},{areas},{area}'
        group = f'{ids},{t("Indicator")}'
        criteria, column = {
            "msg_count": (own, count), "msg_population": (own, population),
            "msg_group_count": (group, count), "msg_group_population": (group, population)}[key]
        return f'=IF(COUNTIFS({criteria})=0,"N/A",SUMIFS({column},{criteria}))'

    # Block text -------------------------------------------------------------------

    def headline(self, index: int) -> str:
        """The block's headline, live: "A -11.2% reduction has been recorded from the baseline"."""
        change = workings_ref(index, "change_from_baseline")
        if self.measures[index] == "percentage":
            size = f'TEXT({change}*100,"0.0")&" percentage point"'
        else:
            size = f'TEXT({change},"0.0%")'
        return (f'=IF(ISNUMBER({change}),"A "&{size}&IF({change}<0," reduction"," increase")'
                f'&" has been recorded from the baseline","")')

    # Performance Tables -----------------------------------------------------------

    def performance_table(self, index: int, rows: tuple[str, ...]) -> str:
        """One call for a block's whole value column, in the order of its rows."""
        last = get_column_letter(len(WORKINGS_COLUMNS))
        headers = f"{WORKINGS}!$A$1:${last}$1"
        figures = f"{WORKINGS}!$A${index + 2}:${last}${index + 2}"
        denominators = self.series.range(1, index) if self.measures[index] == "percentage" else '""'
        settings = ",".join([self.refs.setting("band fraction", 0.1), self.refs.setting("expected level method", "xmr"),
                             self.refs.setting("trend window", 24), self.refs.setting("confidence", 0.95)])
        return (f'=PIB_PERFORMANCE_TABLE({headers},{figures},{self.series.range(0, index)},{denominators},'
                f'{settings},"{",".join(rows)}")')
