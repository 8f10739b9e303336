import numpy as np
import pandas as pd
import pytest

from geo import PRESENT, SUPPRESSED, map_indicators, rows_to_frame, stem_map, to_number
from geo.errors import DataFormatError
from geo.indicators import by_source, get_indicator


def test_to_number_handles_padding_dots_nulls_and_sentinels():
    s = pd.Series(["    76.1", "       .", None, "", "-99995", "-99997", "3"], name="x")
    out = to_number(s)
    assert out.iloc[0] == pytest.approx(76.1)
    assert out.iloc[1:6].isna().all()
    assert out.iloc[6] == 3.0


def test_to_number_names_column_and_row_of_bad_value():
    with pytest.raises(DataFormatError, match=r"kolom 'Roker_11', rij 1: waarde 'abc'"):
        to_number(pd.Series(["1", "abc"], name="Roker_11"))


def test_rows_to_frame_strips_padding_of_keys():
    frame = rows_to_frame(
        [
            {
                "WijkenEnBuurten": "GM0307    ",
                "Gemeentenaam_1": "Amersfoort" + " " * 30,
                "AantalInwoners_5": 10,
            }
        ]
    )
    assert frame.loc[0, "WijkenEnBuurten"] == "GM0307"
    assert frame.loc[0, "Gemeentenaam_1"] == "Amersfoort"


@pytest.mark.parametrize(
    "keys",
    [
        {
            "AantalInwoners_5": 1000,
            "HuishOnderOfRondSociaalMinimum_79": 6.8,
            "HuishoudensTotaal_28": 500,
            "HuishoudensMetKinderen_31": 100,
        },
        {
            "AantalInwoners_5": 1000,
            "HuishOnderOfRondSociaalMinimum_88": 6.8,
            "HuishoudensTotaal_29": 500,
            "HuishoudensMetKinderen_32": 100,
        },
    ],
    ids=["2022-layout", "2023-layout"],
)
def test_topics_are_mapped_by_name_not_suffix(keys):
    frame = pd.DataFrame([keys], index=pd.Index(["BU1"], name="code"))
    values, states = map_indicators(frame, by_source("kerncijfers"))
    assert values.loc["BU1", "pct_hh_sociaal_minimum"] == pytest.approx(6.8)
    assert values.loc["BU1", "pct_hh_met_kinderen"] == pytest.approx(20.0)
    assert states.loc["BU1", "inwoners"] == PRESENT


def test_null_in_existing_row_is_suppressed_and_zero_denominator_is_nan():
    frame = pd.DataFrame(
        {"AantalInwoners_5": [0.0, None], "k_0Tot15Jaar_8": [0.0, 5.0]},
        index=pd.Index(["BU1", "BU2"], name="code"),
    )
    values, states = map_indicators(frame, [get_indicator("pct_0_15"), get_indicator("inwoners")])
    assert np.isnan(values.loc["BU1", "pct_0_15"])  # 0 inhabitants: no share, never 0 %
    assert states.loc["BU2", "inwoners"] == SUPPRESSED


def test_ambiguous_stem_is_an_error():
    frame = pd.DataFrame({"AantalInwoners_5": [1], "AantalInwoners_9": [2]})
    assert stem_map(frame.columns)["AantalInwoners"] == ["AantalInwoners_5", "AantalInwoners_9"]
    with pytest.raises(DataFormatError, match="niet eenduidig"):
        map_indicators(frame, [get_indicator("inwoners")])


def test_readme_indicator_table_lists_every_indicator_with_its_suppression_rule():
    from pathlib import Path

    from geo.indicators import INDICATORS

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(" `"): line for line in readme.splitlines() if "| `" in line}
    for ind in INDICATORS:
        assert ind.id in rows, ind.id
        assert ind.suppression in rows[ind.id] and ind.unit in rows[ind.id]


def test_titles_match_renamed_keys_after_normalising():
    from geo import normalise_title

    frame = pd.DataFrame({"Eenzaamheid_99": [30.0]}, index=pd.Index(["BU1"], name="code"))
    props = [{"Key": "Eenzaamheid_99", "Title": " EENZAAM ", "Type": "Topic"}]
    values, _ = map_indicators(frame, by_source("gezondheid"), properties=props)
    assert values.loc["BU1", "eenzaam"] == 30.0
    assert normalise_title("Suïcidegedachten (laatste 12 mnd)") == "suicidegedachtenlaatste12mnd"
    # without the title the renamed key is not guessed
    assert "eenzaam" not in map_indicators(frame, by_source("gezondheid"))[0].columns
