"""xl-pib ingest recorded-crime (issue 7): Home Office offence-code tables -> quarterly counts per area and the
MSG sheet, checked against an independent pandas aggregation; unmapped codes are counted, bad files refused."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from xl_pib.cli import main

HEADER = ["Financial Year", "Financial Quarter", "Force Name", "CSP Name", "Offence Description", "Offence Group",
          "Offence Subgroup", "Offence Code", "Number of Offences"]
OFFENCES = [("28E", "Burglary - residential", "Burglary", "Residential burglary"),
            ("29", "Aggravated burglary in a dwelling", "Burglary", "Residential burglary"),
            ("30C", "Burglary - business and community", "Burglary", "Non-residential burglary"),
            ("45", "Theft from a vehicle", "Theft offences", "Vehicle offences"),
            ("48", "Theft or unauthorised taking of a motor vehicle", "Theft offences", "Vehicle offences"),
            ("126", "Interfering with a motor vehicle", "Theft offences", "Vehicle offences"),
            ("34B", "Robbery of personal property", "Robbery", "Robbery of personal property"),
            ("8N", "Assault with injury", "Violence against the person", "Violence with injury"),
            ("105A", "Assault without injury", "Violence against the person", "Violence without injury"),
            ("58A", "Criminal damage to a dwelling", "Criminal damage and arson", "Criminal damage"),
            ("56B", "Arson not endangering life", "Criminal damage and arson", "Arson"),
            ("92E", "Possession of cannabis", "Drug offences", "Possession of drugs")]
CSPS = [("Northamptonshire", "Kettering"), ("Northamptonshire", "Corby"), ("Bedfordshire", "Luton"),
        ("Bedfordshire", "Bedford"), ("Cambridgeshire", "Peterborough")]
# Independent statement of the bulletin definitions for the codes above.
DEFINITIONS = {"DB": {"28E", "29"}, "SAC": {"28E", "29", "45", "48", "34B"}, "VEH": {"45", "48", "126"},
               "VAP": {"8N", "105A"}, "AWI": {"8N"}, "CD": {"58A"}}


def write_table(path: Path, years=("2021/22", "2022/23"), seed=2, header=HEADER, extra=()) -> Path:
    rng = np.random.default_rng(seed)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for year in years:
            for quarter in (1, 2, 3, 4):
                for force, csp in CSPS:
                    for code, description, group, subgroup in OFFENCES:
                        writer.writerow([year, quarter, force, csp, description, group, subgroup, code,
                                         f"{rng.integers(0, 1500):,}"])
        writer.writerows(extra)
    return path


@pytest.fixture
def table(tmp_path) -> Path:
    return write_table(tmp_path / "prc-csp.csv")


def quarter_end(year: str, quarter: int) -> str:
    start = int(year[:4])
    month = 3 + 3 * quarter
    return f"{start + (month - 1) // 12}-{(month - 1) % 12 + 1:02d}"


def test_quarterly_counts_match_pandas_and_the_msg_sheet(table, tmp_path, capsys):
    (tmp_path / "group.csv").write_text("Area\nCorby\nLuton\nBedford\n", encoding="utf-8")
    (tmp_path / "pop.csv").write_text("Area,Population\nKettering,101266\nCorby,75571\nLuton,225262\n"
                                      "Bedford,185310\nPeterborough,215700\n", encoding="utf-8")
    out = tmp_path / "hr.xlsx"
    status = main(["ingest", "recorded-crime", str(table), "--populations", str(tmp_path / "pop.csv"),
                   "--area", "kettering", "--group", str(tmp_path / "group.csv"), "-o", str(out)])
    report = capsys.readouterr().out
    assert status == 0
    raw = pd.read_csv(table, dtype=str)
    raw["n"] = raw["Number of Offences"].str.replace(",", "").astype(int)
    raw["Month"] = [quarter_end(y, int(q)) for y, q in zip(raw["Financial Year"], raw["Financial Quarter"])]
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names == ["Quarterly", "MSG", "Offence Mapping"]
    rows = book.get_sheet_by_name("Quarterly").to_python()
    assert rows[0] == ["Period", "Month", "Area", "Indicator", "Value"]
    got = pd.DataFrame(rows[1:], columns=rows[0])
    got["Month"] = [f"{d:%Y-%m}" for d in got["Month"]]
    for indicator, codes in DEFINITIONS.items():
        want = raw[raw["Offence Code"].isin(codes)].groupby(["Month", "CSP Name"])["n"].sum()
        mine = got[got["Indicator"] == indicator].set_index(["Month", "Area"])["Value"]
        assert len(mine) == 8 * len(CSPS)
        assert (mine.sort_index().to_numpy() == want.sort_index().to_numpy()).all(), indicator
    assert set(got["Period"]) == {f"{y} Q{q}" for y in ("2021/22", "2022/23") for q in (1, 2, 3, 4)}

    msg = book.get_sheet_by_name("MSG").to_python()
    assert msg[0] == ["Indicator", "Area", "Count", "Population", "Rate per 1,000", "Source"]
    latest = raw[raw["Financial Year"] == "2022/23"]
    populations = {"Kettering": 101266, "Corby": 75571, "Luton": 225262, "Bedford": 185310}
    for indicator, area, count, population, rate, source in msg[1:]:
        assert area in populations  # the group and the named area, not Peterborough
        assert source == ("Home Office recorded crime, the 12 months to Mar 2023; group from group.csv; "
                          "populations from pop.csv")
        want = latest[latest["Offence Code"].isin(DEFINITIONS[indicator]) & (latest["CSP Name"] == area)]["n"].sum()
        assert count == want and population == populations[area]
        assert rate == pytest.approx(want / populations[area] * 1000)
    assert [r[1] for r in msg[1:5]] == ["Kettering", "Corby", "Luton", "Bedford"]

    unmapped = raw[raw["Offence Code"].isin({"30C", "92E", "56B"})].groupby("Offence Code")["n"].sum()
    assert f"92E Possession of cannabis: {unmapped['92E']:,}" in report
    assert f"30C Burglary - business and community: {unmapped['30C']:,}" in report
    assert "rows read per file:\n  prc-csp.csv: 480" in report
    assert "offences per quarter:" in report and "2022/23 Q4:" in report


def test_msg_sheet_is_a_valid_input_sheet(table, tmp_path):
    """The MSG rows drop into the demo input workbook as its MSG sheet and build."""
    from xl_pib.demo import demo_sheets
    from xl_pib.inputs import parse_sheets

    (tmp_path / "group.csv").write_text("Area\nCorby\nLuton\n", encoding="utf-8")
    (tmp_path / "pop.csv").write_text("Area,Population\nKettering,101266\nCorby,75571\nLuton,225262\n")
    assert main(["ingest", "recorded-crime", str(table), "--populations", str(tmp_path / "pop.csv"), "--area",
                 "Kettering", "--group", str(tmp_path / "group.csv"), "-o", str(tmp_path / "hr.csv")]) == 0
    msg = list(csv.reader(open(tmp_path / "hr_msg.csv", encoding="utf-8")))
    sheets = demo_sheets()
    keep = {"SAC", "VEH", "DB", "VAP", "AWI", "CD"}
    sheets["MSG"] = [msg[0]] + [[r[0], r[1], float(r[2]), float(r[3]), float(r[4]), r[5]] for r in msg[1:]
                                if r[0] in keep]
    inputs = parse_sheets(sheets)
    assert len(inputs.msg) == 6 * 3
    assert inputs.msg_sources() == dict.fromkeys(["SAC", "VEH", "DB", "VAP", "AWI", "CD"], msg[1][5])


def test_force_level_tables_use_force_names(tmp_path, capsys):
    header = [h for h in HEADER if h != "CSP Name"]
    path = tmp_path / "prc-pfa.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerow(["2022/23", "1", "Northamptonshire", "Theft from a vehicle", "Theft", "Vehicle", "45", "120"])
        writer.writerow(["2022/23", "1", "", "Theft from a vehicle", "Theft", "Vehicle", "45", "7"])
    assert main(["ingest", "recorded-crime", str(path), "-o", str(tmp_path / "pfa.csv")]) == 0
    report = capsys.readouterr().out
    assert "areas from 'Force Name'" in report and "rows without an area: 1 (7 offences)" in report
    got = pd.read_csv(tmp_path / "pfa.csv")
    assert got.loc[got["Indicator"] == "VEH", "Value"].tolist() == [120]


@pytest.mark.parametrize("case", ["header", "number", "twice", "repeated rows", "truncated", "quarter"])
def test_bad_tables_are_refused(case, tmp_path, capsys):
    path = tmp_path / "prc.csv"
    files = [path]
    if case == "header":
        write_table(path, header=[h for h in HEADER if h != "Offence Code"] + ["Code"])
        fragments = ["prc.csv row 1, column 'Offence Code'", "a column headed 'Offence Code'"]
    elif case == "number":
        write_table(path, extra=[["2022/23", 1, "Northamptonshire", "Kettering", "x", "x", "x", "45", "n/a"]])
        fragments = ["prc.csv row 482, column 'Number of Offences'", "got 'n/a'"]
    elif case == "twice":
        write_table(path)
        files = [path, path]
        fragments = ["given twice"]
    elif case == "repeated rows":
        write_table(path, extra=[["2022/23", 4, "Northamptonshire", "Kettering", "Theft from a vehicle", "Theft",
                                  "Vehicle offences", "45", "3"]])
        fragments = ["each quarter, area and offence code once", "2022/23 Q4 Kettering code 45"]
    elif case == "truncated":
        write_table(path)
        path.write_bytes(path.read_bytes()[:-25])
        fragments = ["prc.csv row 481", "truncated"]
    else:
        write_table(path, years=("2022-2023x",))
        fragments = ["a financial year such as 2022/23"]
    out = tmp_path / "out.xlsx"
    status = main(["ingest", "recorded-crime", *map(str, files), "-o", str(out)])
    err = capsys.readouterr().err
    assert status == 2, err
    assert len(err.strip().splitlines()) == 1
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    assert not out.exists()


def test_msg_needs_populations_for_every_area(table, tmp_path, capsys):
    (tmp_path / "group.csv").write_text("Area\nCorby\n", encoding="utf-8")
    (tmp_path / "pop.csv").write_text("Area,Population\nKettering,101266\n", encoding="utf-8")
    status = main(["ingest", "recorded-crime", str(table), "--populations", str(tmp_path / "pop.csv"), "--area",
                   "Kettering", "--group", str(tmp_path / "group.csv"), "-o", str(tmp_path / "o.xlsx")])
    assert status == 2
    assert "pop.csv column 'Area': expected a population for every area of the most similar group; got 'Corby'" in \
        capsys.readouterr().err


def test_a_published_spreadsheet_gives_the_same_counts_as_its_csv(table, tmp_path, capsys):
    """The Home Office publishes the tables as spreadsheets: a title line above the header, real numbers."""
    import shutil
    import subprocess

    import openpyxl

    raw = list(csv.reader(open(table, encoding="utf-8")))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Notes"
    ws.append(["Police recorded crime by offence code"])
    data = wb.create_sheet("Table")
    data.append(["Police recorded crime, community safety partnerships"])
    data.append(raw[0])
    for row in raw[1:]:
        data.append(row[:1] + [int(row[1])] + row[2:8] + [int(row[8].replace(",", ""))])
    wb.save(tmp_path / "prc.xlsx")
    outputs = {"csv": tmp_path / "from_csv.csv", "xlsx": tmp_path / "from_xlsx.csv"}
    assert main(["ingest", "recorded-crime", str(table), "-o", str(outputs["csv"])]) == 0
    assert main(["ingest", "recorded-crime", str(tmp_path / "prc.xlsx"), "-o", str(outputs["xlsx"])]) == 0
    assert outputs["csv"].read_text() == outputs["xlsx"].read_text()
    soffice = shutil.which("soffice")
    if soffice:  # the .ods the Home Office also publishes, made by LibreOffice from the same workbook
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                        "ods", "--outdir", str(tmp_path), str(tmp_path / "prc.xlsx")], check=True, capture_output=True)
        assert main(["ingest", "recorded-crime", str(tmp_path / "prc.ods"), "-o", str(tmp_path / "from_ods.csv")]) == 0
        assert (tmp_path / "from_ods.csv").read_text() == outputs["csv"].read_text()
    data.cell(row=7, column=9).value = "n/a"
    wb.save(tmp_path / "bad.xlsx")
    capsys.readouterr()
    assert main(["ingest", "recorded-crime", str(tmp_path / "bad.xlsx"), "-o", str(tmp_path / "bad.csv")]) == 2
    assert "bad.xlsx row 7, column 'Number of Offences': expected a number of offences; got 'n/a'" in \
        capsys.readouterr().err


@pytest.mark.parametrize("args,fragment", [
    (["--area", "Kettering"], "--area and --group go together"),
    (["--area", "Kettering", "--group", "g.csv"], "the MSG sheet needs --populations"),
    (["-o", "out.txt"], "write the counts as .xlsx or .csv"),
])
def test_option_combinations_that_cannot_work(args, fragment, table, tmp_path, capsys):
    command = ["ingest", "recorded-crime", str(table), *args]
    if "-o" not in args:
        command += ["-o", str(tmp_path / "o.xlsx")]
    assert main(command) == 2
    err = capsys.readouterr().err
    assert err.startswith("xl-pib: ") and fragment in err and len(err.strip().splitlines()) == 1


# Issue 16, deliverable 4: the Home Office tables as published.

def _quarterly(path: Path) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Quarterly").to_python()


def test_underscore_headers_read_as_the_published_ones(table, tmp_path, capsys):
    """A copy of the table with Financial_Year-style headers (and any case) counts exactly as the original."""
    rows = list(csv.reader(open(table, encoding="utf-8")))
    copy = tmp_path / "prc_copy.csv"
    with open(copy, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([h.replace(" ", "_").upper() if i % 2 else h.replace(" ", "_") for i, h in enumerate(rows[0])])
        writer.writerows(rows[1:])
    assert main(["ingest", "recorded-crime", str(table), "-o", str(tmp_path / "a.xlsx")]) == 0
    assert main(["ingest", "recorded-crime", str(copy), "-o", str(tmp_path / "b.xlsx")]) == 0
    assert _quarterly(tmp_path / "a.xlsx") == _quarterly(tmp_path / "b.xlsx")


def test_the_csp_open_data_layout_one_sheet_per_year(table, tmp_path, capsys):
    """The CSP table as published: a Notes sheet, then one sheet per financial year headed Police Force, CSP Name,
    ..., Offence Count."""
    import openpyxl

    raw = list(csv.reader(open(table, encoding="utf-8")))
    header = ["Financial Year", "Financial Quarter", "Police Force", "CSP Name", "Offence Description", "Offence Group",
              "Offence Subgroup", "Offence Code", "Offence Count"]
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb["Notes"].append(["Offence code is the Home Office classification; see the Counting Rules"])
    for year in ("2021/22", "2022/23"):
        ws = wb.create_sheet(year.replace("/", "_"))
        ws.append(header)
        for row in raw[1:]:
            if row[0] == year:
                ws.append(row[:1] + [f"Q{row[1]}"] + row[2:8] + [int(row[8].replace(",", ""))])
    wb.save(tmp_path / "prc-csp.xlsx")
    assert main(["ingest", "recorded-crime", str(table), "-o", str(tmp_path / "a.xlsx")]) == 0
    assert main(["ingest", "recorded-crime", str(tmp_path / "prc-csp.xlsx"), "-o", str(tmp_path / "b.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "areas from 'CSP Name'" in out
    assert _quarterly(tmp_path / "a.xlsx") == _quarterly(tmp_path / "b.xlsx")


def test_negative_adjustment_rows_are_kept(tmp_path, capsys):
    adjustments = [["2022/23", 4, "Northamptonshire", "Kettering", "Theft from a vehicle", "Theft offences",
                    "Vehicle offences", "45", "-12"],
                   ["2022/23", 4, "Northamptonshire", "Kettering", "Theft from a vehicle", "Theft offences",
                    "Vehicle offences", "45", "-3"]]
    plain = write_table(tmp_path / "plain.csv")
    adjusted = write_table(tmp_path / "adjusted.csv", extra=adjustments)
    assert main(["ingest", "recorded-crime", str(plain), "-o", str(tmp_path / "plain.csv.out.csv")]) == 0
    capsys.readouterr()
    assert main(["ingest", "recorded-crime", str(adjusted), "-o", str(tmp_path / "adjusted.out.csv")]) == 0
    report = capsys.readouterr().out
    assert "adjustment rows (a negative number of offences), kept in the sums: 2 (-15 offences)" in report
    before = pd.read_csv(tmp_path / "plain.csv.out.csv").set_index(["Month", "Area", "Indicator"])["Value"]
    after = pd.read_csv(tmp_path / "adjusted.out.csv").set_index(["Month", "Area", "Indicator"])["Value"]
    changed = (after - before)[lambda d: d != 0]
    assert changed.to_dict() == {("2023-03", "Kettering", "VEH"): -15, ("2023-03", "Kettering", "SAC"): -15}


def test_an_indicator_with_no_codes_in_the_file_is_blank_not_zero(tmp_path, capsys):
    path = tmp_path / "no_8n.csv"
    write_table(path)
    text = [line for line in path.read_text(encoding="utf-8").splitlines() if ",8N," not in line]
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    assert main(["ingest", "recorded-crime", str(path), "-o", str(tmp_path / "q.csv")]) == 0
    report = capsys.readouterr().out
    got = pd.read_csv(tmp_path / "q.csv")
    assert "AWI" not in set(got["Indicator"]) and "VAP" in set(got["Indicator"])  # VAP still has 105A
    assert "AWI (Assault with Injury) left blank: none of its offence codes (8F, 8G, 8H, 8J, 8N, 8P) is in the files" \
        in report
