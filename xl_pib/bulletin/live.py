"""=PIB_ formulas for the analysts' live workbook.

The live workbook has exactly the layout of the headless bulletin; this
module supplies the formula for each cell that is live: the Series blocks
(one PIB_SERIES call per block), the Workings figures and every Performance
Table value. Formulas point at the input sheets by the cells the analyst's
own rows occupy, so Excel keeps them right when rows or columns are inserted.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from .workings import SeriesLayout, workings_ref

# Data rows the live formulas read: room for years of monthly data.
DATA_ROWS = 20000


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


class InputRefs:
    """Cell addresses on the analyst's input sheets, found by their headers."""

    def __init__(self, inputs):
        self.sheets = {name.strip().lower(): name for name in inputs.sheets}
        self.headers = {key: {str(h).strip().lower(): i for i, h in enumerate(rows[0]) if h not in (None, "")}
                        for key, rows in ((k.strip().lower(), r) for k, r in inputs.sheets.items()) if rows}
        self.target_rows = inputs.targets["_row"].tolist()
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
        """Absolute reference to an indicator's Targets cell, or "" if the column is absent."""
        letter = self.column("targets", header)
        if letter is None:
            return '""'
        return f"{_quote(self.sheets['targets'])}!${letter}${self.target_rows[index]}"

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
        self.measures = self.inputs.targets["measure"].tolist()

    # Series -----------------------------------------------------------------------

    def series_block(self, block: int) -> str:
        column = "Value" if block == 0 else "Denominator"
        values = self.refs.data(column) if self.refs.column("data", column) else None
        if values is None:
            return '=""'
        latest = self.refs.setting("latest month", "")
        return (f"=PIB_SERIES({self.series.axis},{self.refs.data('Month')},{self.refs.data('Indicator')},"
                f"{values},{self.series.ids_range(block)},{latest})")

    # Workings ---------------------------------------------------------------------

    def _w(self, index: int, key: str) -> str:
        return workings_ref(index, key)

    def workings(self, index: int, key: str) -> str | None:
        t = lambda header: self.refs.target(index, header)  # noqa: E731
        w = lambda k: self._w(index, k)  # noqa: E731
        values = self.series.range(0, index)
        denominators = self.series.range(1, index) if self.measures[index] == "percentage" else '""'
        pop, per = t("Population"), t("Rate per")
        per_or_default = f'IF({per}="",100000,{per})' if per != '""' else "100000"
        target_date, baseline_end = t("Target date"), t("Baseline end")
        no_target = f'OR(TRIM({t("Target type")})="",LOWER(TRIM({t("Target type")}))="none")'
        msg_count, msg_pop, msg_area = self.refs.msg("Count"), self.refs.msg("Population"), self.refs.msg("Area")
        msg_ids = self.refs.msg("Indicator")
        area = f'IF({t("Area")}<>"",{t("Area")},{self.refs.setting("partnership", "")})'
        conf = self.refs.setting("confidence", 0.95)
        formulas = {
            "measure": f"LOWER(TRIM({t('Measure')}))",
            "direction": f'IF(TRIM({t("Direction")})="","down",LOWER(TRIM({t("Direction")})))',
            "assessed_month": f"PIB_LAST_MONTH({self.series.axis},{values})",
            "months_elapsed": f"PIB_MONTHS_BETWEEN({baseline_end},{w('assessed_month')})",
            "months_total": f'IF({target_date}="","N/A",PIB_MONTHS_BETWEEN({baseline_end},{target_date}))',
            "months_to_target": f'IF({target_date}="","N/A",PIB_MONTHS_BETWEEN({w("assessed_month")},{target_date}))',
            "baseline": f'IF({t("Baseline")}<>"",{t("Baseline")},PIB_ROLLING_AT({self.series.axis},{values},'
                        f'{baseline_end},{w("measure")},{denominators},{pop},{per_or_default}))',
            "target": f'IF({no_target},"N/A",IF({t("Target value")}<>"",{t("Target value")},'
                      f'PIB_TARGET({w("baseline")},{t("Target type")},{t("Target amount")},{w("measure")})))',
            "current": f'IF({t("Current override")}<>"",{t("Current override")},'
                       f'PIB_CURRENT({values},{w("measure")},{denominators},{pop},{per_or_default}))',
            "change_from_baseline": f'PIB_CHANGE_FROM_BASELINE({w("current")},{w("baseline")},{w("measure")})',
            "trend_target": f'IF(ISNUMBER({w("target")}),IF({w("measure")}="rate",'
                            f'{w("target")}*{pop}/{per_or_default},{w("target")}),"N/A")',
            "current_denominator": f'IF({w("measure")}<>"percentage","N/A",IF({t("Current denominator")}<>"",'
                                   f'{t("Current denominator")},PIB_CURRENT({self.series.range(1, index)})))',
            "baseline_denominator": f'IF({w("measure")}<>"percentage","N/A",IF({t("Baseline denominator")}<>"",'
                                    f'{t("Baseline denominator")},PIB_ROLLING_AT({self.series.axis},'
                                    f'{self.series.range(1, index)},{baseline_end})))',
            "significant_change": f'IF({w("measure")}<>"percentage","N/A",PIB_SIG_CHANGE('
                                  f'{w("current")}*{w("current_denominator")},{w("current_denominator")},'
                                  f'{w("baseline")}*{w("baseline_denominator")},{w("baseline_denominator")},{conf}))',
        }
        if msg_count is not None:
            own = f'{msg_ids},{t("Indicator")},{msg_area},{area}'
            group = f'{msg_ids},{t("Indicator")}'
            formulas.update({
                "msg_count": f'IF(COUNTIFS({own})=0,"N/A",SUMIFS({msg_count},{own}))',
                "msg_population": f'IF(COUNTIFS({own})=0,"N/A",SUMIFS({msg_pop},{own}))',
                "msg_group_count": f'IF(COUNTIFS({group})=0,"N/A",SUMIFS({msg_count},{group}))',
                "msg_group_population": f'IF(COUNTIFS({group})=0,"N/A",SUMIFS({msg_pop},{group}))',
            })
        else:
            formulas.update({k: '"N/A"' for k in ("msg_count", "msg_population", "msg_group_count",
                                                    "msg_group_population")})
        text = formulas.get(key)
        return None if text is None else "=" + text

    # Block text -------------------------------------------------------------------

    def headline(self, index: int) -> str:
        """The block's headline, live: "A -11.2% reduction has been recorded from the baseline"."""
        change = self._w(index, "change_from_baseline")
        if self.measures[index] == "percentage":
            size = f'TEXT({change}*100,"0.0")&" percentage point"'
        else:
            size = f'TEXT({change},"0.0%")'
        return (f'=IF(ISNUMBER({change}),"A "&{size}&IF({change}<0," reduction"," increase")'
                f'&" has been recorded from the baseline","")')

    # Performance Tables -----------------------------------------------------------

    def performance(self, block, key: str) -> str | None:
        index = block.index
        w = lambda k: self._w(index, k)  # noqa: E731
        measure = self.measures[index]
        values = self.series.range(0, index)
        monthly = self.series.range(2, index) if measure == "percentage" else values
        denominators = f",{self.series.range(1, index)}" if measure == "percentage" else ""
        band = self.refs.setting("band fraction", 0.1)
        method = self.refs.setting("expected level method", "xmr")
        window = self.refs.setting("trend window", 24)
        conf = self.refs.setting("confidence", 0.95)
        msg_args = f'{w("msg_count")},{w("msg_population")},{w("msg_group_count")},{w("msg_group_population")}'
        cells = block.cells
        formulas = {
            "baseline": f'PIB_CHANGE_FROM_BASELINE({w("baseline")},0,"percentage")',
            "target": f'PIB_CHANGE_FROM_BASELINE({w("target")},0,"percentage")',
            "current": f'PIB_CHANGE_FROM_BASELINE({w("current")},0,"percentage")',
            "change_from_baseline": f'PIB_CHANGE_FROM_BASELINE({w("current")},{w("baseline")},{w("measure")})',
            "significant_change": f'PIB_SIG_CHANGE({w("current")}*{w("current_denominator")},'
                                  f'{w("current_denominator")},{w("baseline")}*{w("baseline_denominator")},'
                                  f'{w("baseline_denominator")},{conf})',
            "reduction_required": f'PIB_REDUCTION_REQUIRED({w("current")},{w("target")},{w("measure")},'
                                  f'{w("direction")})',
            "trend_sufficient": f'PIB_TREND_SUFFICIENT({monthly},{w("trend_target")},{w("months_to_target")},'
                                f'IF({w("measure")}="rate","count",{w("measure")}),{w("direction")},{window})',
            "past_month": (f'IF(AND({w("measure")}="percentage",{method}="poisson"),"N/A",'
                           f'PIB_MONTH_STATUS({monthly},{method}))'),
            "comparative_12m": f"PIB_COMPARATIVE_12M({values}{denominators})",
            "msg_distance": f'IF(ISNUMBER({w("msg_count")}),PIB_MSG_DISTANCE({msg_args}),"N/A")',
            "msg_position": f'IF(ISNUMBER({w("msg_count")}),PIB_MSG_POSITION({msg_args},{conf}),"N/A")',
            "position": f'PIB_POSITION({w("current")},{w("baseline")},{w("target")},{w("months_elapsed")},'
                        f'{w("months_total")},{band})',
        }
        if key == "rag":
            return f'=PIB_RAG({cells["position"]},{cells["trend_sufficient"]},{w("direction")})' \
                if "position" in cells and "trend_sufficient" in cells else \
                f'=PIB_RAG(PIB_POSITION({w("current")},{w("baseline")},{w("target")},{w("months_elapsed")},' \
                f'{w("months_total")},{band}),{cells["trend_sufficient"]},{w("direction")})'
        text = formulas.get(key)
        return None if text is None else "=" + text
