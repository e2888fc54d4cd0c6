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

from .. import explain, labels, wording
from ..errors import PibError
from ..figures import BY_KEY, SPEC
from ..options import NOISE_AWARE
from ..inputs.schema import BREAKS, MSG, TARGETS, column
from ..settings import SPEC as SPEC_SETTING
from ..settings import Settings
from . import text
from .workings import WORKINGS, WORKINGS_COLUMNS, SeriesLayout, workings_column_ref, workings_ref

# Data rows the live formulas read: room for years of monthly data.
DATA_ROWS = 20000
# A blank Rate per means its declared default (a rate per 100,000), as =PIB_CURRENT and =PIB_ROLLING_AT read it.
PER_DEFAULT = column(TARGETS, "rate_per").default
# The settings =PIB_PERFORMANCE_TABLE takes after its series, in its argument order.
TABLE_SETTINGS = (SPEC_SETTING.band_fraction.name, SPEC_SETTING.expected_method.name, SPEC_SETTING.trend_window.name,
                  SPEC_SETTING.confidence.name)
# ... and after its rows argument (added later, so formulas typed before keep their meaning).
TABLE_SETTINGS_AFTER_ROWS = (SPEC_SETTING.judgements.name, SPEC_SETTING.minimum_events.name,
                             SPEC_SETTING.seasonal.name, SPEC_SETTING.spc_baseline.name)


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

    def sheet_column(self, sheet: str, header: str) -> str:
        """A column of an optional input sheet, down to DATA_ROWS; "" when the sheet has no such column."""
        letter = self.column(sheet, header)
        if letter is None:
            return '""'
        return f"{_quote(self.sheets[sheet])}!${letter}$2:${letter}${DATA_ROWS}"

    def msg(self, header: str) -> str | None:
        if "msg" not in self.sheets:
            return None
        letter = self.column("msg", header)
        return f"{_quote(self.sheets['msg'])}!${letter}$2:${letter}${DATA_ROWS}"


class _Columns:
    """Attribute access for formula templates: ``{t.baseline_end}`` -> a reference, by key."""

    def __init__(self, lookup):
        self._lookup = lookup

    def __getattr__(self, key: str) -> str:
        return self._lookup(key)


class LiveFormulas:
    """Formulas for the live workbook's cells, keyed as the writers ask for them.

    Each figure's formula is declared with the figure (``live`` and ``live_cell`` in
    :mod:`xl_pib.figures`); this class supplies the references its template names:
    ``{t.<Targets column>}``, ``{w.<figure>}`` (its Workings column), ``{s.<setting>}``,
    ``{axis}``, ``{values}``, ``{denominators}`` and ``{per}``.
    """

    def __init__(self, assessment, series: SeriesLayout):
        self.inputs = assessment.inputs
        self.refs = InputRefs(self.inputs)
        self.series = series
        self.count = len(self.inputs.targets)
        self.measures = self.inputs.targets["measure"].tolist()

    def _targets_header(self, key: str) -> str:
        return column(TARGETS, key).header

    def setting(self, name: str) -> str:
        """A setting's Value cell (its declared default when blank or absent; "" for a required one). A setting
        whose default depends on the judgements (the Trend window) is left blank for the =PIB_ function to
        resolve with the judgements it is given."""
        spec = Settings.spec(name)
        if spec.noise_aware_default is not None:
            return self.refs.setting(spec.key, "")
        return self.refs.setting(spec.key, "" if spec.required else spec.default)

    # Series -----------------------------------------------------------------------

    def series_block(self, block: int) -> str:
        column = "Value" if block == 0 else "Denominator"
        if not self.refs.column("data", column):
            return '=""'
        latest = self.setting(SPEC_SETTING.latest_month.name)
        return (f"=PIB_SERIES({self.series.axis},{self.refs.data('Month')},{self.refs.data('Indicator')},"
                f"{self.refs.data(column)},{self.series.ids_range(block)},{latest})")

    # Workings ---------------------------------------------------------------------

    def workings_column(self, key: str) -> str | None:
        """One array formula for the whole column, or None for columns written cell by cell."""
        template = BY_KEY[key].live
        if template is None:
            return None
        msg_refs = {k: self.refs.msg(column(MSG, k).header) for k in ("indicator", "count", "population")}
        if "{msg." in template and None in msg_refs.values():
            return None  # no MSG sheet: the column's cells say N/A (live_cell)
        t = _Columns(lambda k: self.refs.targets(self._targets_header(k)))
        per_ref = t.rate_per
        per = f'IF({per_ref}="",{PER_DEFAULT},{per_ref})' if per_ref != '""' else str(PER_DEFAULT)
        return "=" + template.format(
            t=t, w=_Columns(lambda k: workings_column_ref(k, self.count)), s=_Columns(self.setting),
            d=_Columns(lambda k: column(TARGETS, k).default), axis=self.series.axis, values=self.series.block_ref(0),
            denominators=self.series.block_ref(1), per=per, noise_aware=NOISE_AWARE, breaks=self.breaks(t),
            msg=_Columns(msg_refs.get))

    def breaks(self, t) -> str:
        """=PIB_BREAKS over the Breaks sheet (every live workbook has one; see bulletin.input_sheets)."""
        if "breaks" not in self.refs.sheets:
            return '""'
        refs = [self.refs.sheet_column("breaks", column(BREAKS, key).header)
                for key in ("indicator", "month", "rebase", "area")]
        partnership = self.setting(SPEC_SETTING.partnership.name)
        return f"PIB_BREAKS({self.series.axis},{','.join(refs)},{t.indicator},{partnership})"

    def workings_cell(self, index: int, key: str) -> str | None:
        """Per-cell native formulas (the MSG totals: SUMIFS over the MSG sheet, no Python call)."""
        template = BY_KEY[key].live_cell
        if template is None:
            return None
        count, population = self.refs.msg("Count"), self.refs.msg("Population")
        if count is None:
            return f'="{labels.NA}"'
        t = lambda header: self.refs.target(index, header)  # noqa: E731
        ids, areas = self.refs.msg("Indicator"), self.refs.msg("Area")
        area = f'IF({t("Area")}<>"",{t("Area")},{self.setting(SPEC_SETTING.partnership.name)})'
        return template.format(own=f'{ids},{t("Indicator")},{areas},{area}', group=f'{ids},{t("Indicator")}',
                               count=count, population=population, ids=ids, indicator=t("Indicator"))

    # Block text -------------------------------------------------------------------

    def headline(self, index: int) -> str:
        """The block's headline, live: "An 11.2% reduction has been recorded from the baseline".

        Excel's own functions only (no Python call), following :func:`xl_pib.bulletin.text.headline`:
        the size without its sign, "An" or "A" by :func:`xl_pib.wording.articles`' rule, and no change
        when the size prints as 0.0.
        """
        change = workings_ref(index, SPEC.change_from_baseline.key)
        size = f'TEXT(ABS({change})*100,"0.0")'
        whole = f'TEXT(INT(ROUND(ABS({change})*100,1)),"0")'
        leads = ",".join(f'LEFT({whole},{len(lead)})="{lead}"' for lead in wording.AN_LEADS)
        an = f'OR(LEFT({whole},1)="{wording.AN_START}",AND(MOD(LEN({whole}),3)=2,OR({leads})))'
        unit = '" percentage point"' if self.measures[index] == "percentage" else '"%"'
        sentence = (f'IF({an},"An ","A ")&{size}&{unit}&IF({change}<0," reduction"," increase")'
                    f'&" has been recorded from the baseline"')
        return f'=IF(ISNUMBER({change}),IF({size}="0.0","{text.NO_CHANGE}",{sentence}),"")'

    # Performance Tables -----------------------------------------------------------

    def why_column(self) -> str:
        """The Results sheet's Why column: one =PIB_EXPLAIN call over every indicator's Workings row and series
        (the same arguments as a Performance Table's, for all indicators at once)."""
        last = get_column_letter(len(WORKINGS_COLUMNS))
        headers = f"{WORKINGS}!$A$1:${last}$1"
        figures = f"{WORKINGS}!$A$2:${last}${self.count + 1}"
        denominators = self.series.block_ref(1) if "percentage" in self.measures else '""'
        settings = ",".join(self.setting(name) for name in TABLE_SETTINGS)
        later = ",".join(self.setting(name) for name in TABLE_SETTINGS_AFTER_ROWS)
        return (f'=PIB_EXPLAIN({headers},{figures},{self.series.block_ref(0)},{denominators},{settings},'
                f'"{explain.WHY_COLUMN.lower()}",{later})')

    def performance_table(self, index: int, rows: tuple[str, ...]) -> str:
        """One call for a block's whole value column, in the order of its rows."""
        last = get_column_letter(len(WORKINGS_COLUMNS))
        headers = f"{WORKINGS}!$A$1:${last}$1"
        figures = f"{WORKINGS}!$A${index + 2}:${last}${index + 2}"
        denominators = self.series.range(1, index) if self.measures[index] == "percentage" else '""'
        settings = ",".join(self.setting(name) for name in TABLE_SETTINGS)
        later = ",".join(self.setting(name) for name in TABLE_SETTINGS_AFTER_ROWS)
        return (f'=PIB_PERFORMANCE_TABLE({headers},{figures},{self.series.range(0, index)},{denominators},'
                f'{settings},"{",".join(rows)}",{later})')
