"""The Kettering demo reproduces the December 2009 bulletin (issue 3: "The demo's Results equal
the seed's published figures").

The published figures are transcribed in tests/data/kettering_dec2009_figures.csv (one row per
indicator block of the seed), kettering_dec2009_outcomes.csv (the executive summary's RAGs) and
kettering_dec2009_inconsistencies.csv (the two figures no data can give). ``tools/seed_figures.py``
is their one reader, shared with the calibration tool (``tools/calibrate_demo.py``). Every figure
printed there is compared with the engine's Results for the demo input, rounded as the seed rounds:
percentages to 0.1% and percentage-point figures to 0.1 points.
"""

from __future__ import annotations

import hashlib

import pytest

import seed_figures as seed  # tools/seed_figures.py (pytest puts tools/ on the path)
from xl_pib.assess import assess
from xl_pib.demo import FILES, HERE, demo_sheets, write_demo_input
from xl_pib.inputs import parse_sheets, read_workbook

ROWS = seed.figure_rows()
EXPECTED = seed.expected()
NEAREST = seed.nearest()


@pytest.fixture(scope="module")
def assessment():
    return assess(parse_sheets(demo_sheets()))


@pytest.fixture(scope="module")
def results(assessment):
    return assessment.results.set_index("Indicator")


def _cases():
    for ind, figures in EXPECTED.items():
        for key, want in figures.items():
            yield pytest.param(ind, key, want, id=f"{ind}-{key}")


def test_one_indicator_per_row_of_the_figures_csv(results):
    assert len(ROWS) == 28
    assert list(results.index) == list(ROWS)


@pytest.mark.parametrize("ind, key, want", list(_cases()))
def test_printed_figure(assessment, ind, key, want):
    """Labels and N/A as printed; numbers as the seed rounds them; an MSG side by the distance's sign and
    a position on that side (or In Line); NI30's shortfall exactly; the nearest figure where the seed is
    inconsistent."""
    assert seed.miss(assessment, ind, key, want) is None, seed.miss(assessment, ind, key, want)


def test_every_printed_figure_is_checked():
    """Each non-blank figure cell of the CSV yields a figure (the cohort NI19 prints as its baseline aside)."""
    figure_columns = (seed.BASELINE, *seed.NUMBERS, *seed.LABELS, seed.MSG_SIDE)
    for ind, row in ROWS.items():
        printed = {key for key in figure_columns if row[key]}
        assert printed - set(EXPECTED[ind]) == ({seed.BASELINE} if ind == "NI19" else set()), ind
    # 100 figures of the change, reduction, trend, past-month, comparative and MSG distance columns, 8 MSG
    # sides, 21 baselines, 2 survey currents and 2 significances, NI30's shortfall.
    assert sum(map(len, EXPECTED.values())) == 134


def test_known_inconsistencies_are_real_rows():
    """Each names a printed number, lies one printed unit (0.1) from it, and says why."""
    for (ind, key), row in seed.inconsistencies().items():
        assert ROWS[ind][key], (ind, key)
        printed = seed.fraction(ROWS[ind][key])
        assert abs(NEAREST[(ind, key)] - printed) <= 0.001 + 1e-12, (ind, key)
        assert EXPECTED[ind][key] == NEAREST[(ind, key)]
        assert len(row["reason"]) > 100, (ind, key)


@pytest.mark.parametrize("text, fraction", [("-11.2%", -0.112), ("+200.0%", 2.0), ("+6.1 percentage points", 0.061),
                                            ("7.0 (percentage point increase required)", 0.07), ("0.1%", 0.001)])
def test_printed_numbers_become_the_engines_fractions(text, fraction):
    assert seed.fraction(text) == fraction


def test_figures_printed_inside_other_columns():
    """A survey's current position and significance are in its change text; NI30's shortfall in the note;
    a baseline only where one is printed as a number."""
    assert EXPECTED["NI17"][seed.CHANGE] == -0.067 and EXPECTED["NI17"][seed.CURRENT] == 0.163
    assert EXPECTED["TEEN"][seed.SIGNIFICANT] == "Yes" and EXPECTED["TEEN"][seed.CURRENT] == 0.414
    assert EXPECTED["NI30"][seed.SHORTFALL] == 14
    assert EXPECTED["NI16"][seed.BASELINE] == 12604 and EXPECTED["RDC_COUNTY"][seed.BASELINE] == 0.23
    assert seed.BASELINE not in EXPECTED["NI19"] and EXPECTED["COM_BURG"] == {}


def test_a_wrong_figure_is_a_miss(assessment):
    assert seed.miss(assessment, "NI16", seed.CHANGE, -0.111) == "NI16 change_from_baseline: printed -0.111, got " \
        f"{assessment.results.set_index('Indicator').loc['NI16', 'Change from baseline']!r}"
    assert seed.miss(assessment, "NI16", seed.MSG_SIDE, "Below") is not None
    assert seed.miss(assessment, "NI30", seed.SHORTFALL, 15) is not None
    assert seed.miss(assessment, "NI17", seed.SIGNIFICANT, "No") is not None


def test_outcome_rags_equal_the_published_ones(assessment):
    shown = dict(zip(assessment.outcomes["outcome"], assessment.outcomes["rag"]))
    assert shown == seed.published_rags()


def test_rag_override_only_where_the_computed_rag_differs(assessment):
    overrides = dict(zip(assessment.inputs.outcomes["outcome"], assessment.inputs.outcomes["rag_override"]))
    computed = dict(zip(assessment.outcomes["outcome"], assessment.outcomes["computed_rag"]))
    for code, published in seed.published_rags().items():
        if computed[code] == published:
            assert overrides[code] == "", f"{code}: override {overrides[code]!r} where the rules give {published!r}"
        else:
            assert overrides[code] == published, f"{code}: computed {computed[code]!r}, published {published!r}"


def test_outcome_themes_as_printed(assessment):
    got = list(zip(assessment.outcomes["theme"], assessment.outcomes["outcome"]))
    assert got == [(row["theme"], row["outcome"]) for row in seed.outcome_rows()]


def test_each_indicator_is_assessed_at_its_own_last_month(assessment):
    from xl_pib import months

    assessed = dict(zip(assessment.figures.indicator, assessment.figures.assessed_month))
    lags = {"NI16": "2009-10", "NI20": "2009-10", "NI30": "2009-09", "NI19": "2009-07", "NI47": "2009-11",
            "NI17": "2009-10", "TEEN": "2009-10", "POLICE_COUNCIL": "2009-10", "SAC": "2009-11"}
    for ind, month in lags.items():
        assert months.iso(assessed[ind]) == month, ind


def test_msg_own_row_is_the_current_rolling_12_count(assessment):
    msg, results = assessment.inputs.msg, assessment.results.set_index("Indicator")
    areas = dict(zip(assessment.inputs.targets["indicator"], assessment.inputs.targets["area"]))
    for ind, group in msg.groupby("indicator"):
        own = group[group["area"] == (areas[ind] or "Kettering")]
        assert len(own) == 1 and len(group) == 15, ind
        assert own["count"].iloc[0] == results.loc[ind, "Current"], ind


def test_written_workbook_reads_back_to_the_same_results(tmp_path, results):
    path = write_demo_input(tmp_path / "demo_input.xlsx")
    again = assess(read_workbook(path)).results.set_index("Indicator")
    assert again.astype(str).equals(results.astype(str))


def test_calibrate_reproduces_the_committed_csvs():
    """``python tools/calibrate_demo.py`` is deterministic: it regenerates the committed files."""
    import calibrate_demo

    generated = calibrate_demo.generate()
    assert set(generated) == {"kettering_data.csv", "kettering_msg.csv"}
    for name, text in generated.items():
        assert (HERE / name).read_bytes() == text.encode("utf-8"), f"{name} differs from calibrate_demo's output"


def test_calibrate_verification_finds_no_miss():
    import calibrate_demo

    assert calibrate_demo.verify() == []


def test_calibrate_verification_finds_a_changed_month():
    """The check is not vacuous: 300 more crimes in NI16's last month move its printed figures."""
    import calibrate_demo

    sheets = demo_sheets()
    header, rows = sheets["Data"][0], sheets["Data"][1:]
    indicator, value = header.index("Indicator"), header.index("Value")
    last = max(i for i, row in enumerate(rows) if row[indicator] == "NI16")
    rows[last][value] += 300
    misses = calibrate_demo.verify(sheets)
    assert misses and all(m.startswith(("NI16 ", "outcome ")) for m in misses), misses
    assert any(m.startswith("NI16 change_from_baseline") for m in misses), misses


# The demo data as released: `python -m xl_pib demo` builds from these bytes alone, so a change to any of
# them changes what every analyst's first run shows. Rerun tools/calibrate_demo.py and update the digests
# only for a change that is meant.
DEMO_DIGESTS = HERE.parents[1] / "tests" / "data" / "kettering_demo.sha256"


def test_demo_data_are_the_released_bytes():
    listed = {}
    for line in DEMO_DIGESTS.read_text().splitlines():
        digest, path = line.split(maxsplit=1)
        listed[path.lstrip("*")] = digest
    assert sorted(listed) == sorted(f"xl_pib/demo/{name}" for name in FILES.values())
    for path, digest in listed.items():
        got = hashlib.sha256((HERE.parents[1] / path).read_bytes()).hexdigest()
        assert got == digest, f"{path} changed (sha256 {got}); if meant, update {DEMO_DIGESTS.name}"
