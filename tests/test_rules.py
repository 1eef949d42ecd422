"""The rules file (data/rules.toml) as `zi.domain.rules` reads it: weights add up, thresholds are the ones
written, the rubric follows the year, a contradictory file is refused, and the survey conversion is
the reference's (index / 4 x 17.5).

Expected numbers come from the reference (lke-zi.md, sections 2-4), not from the code under test.
"""

from __future__ import annotations

import math
import tomllib

import pytest

from zi.domain.rules import AREAS, RULES_PATH, RulesError, load_rules


def weights(rules, rubric, level):
    return {i.code: i.weight for i in rules.indicators(rubric, level)}


@pytest.mark.parametrize("rubric", ["permen90-2021", "permen52-2014"])
def test_areas_sum_to_pengungkit_60(rules, rubric):
    areas = weights(rules, rubric, "area")
    assert tuple(areas) == AREAS
    assert math.isclose(sum(areas.values()), 60.0)
    assert rules.rubrics[rubric].pengungkit == 60
    assert rules.rubrics[rubric].total == 100


def test_area_weights_of_each_rubric(rules):
    # lke-zi.md section 2 (area total = pemenuhan + reform) and section 3.
    assert weights(rules, "permen90-2021", "area") == {"MP": 8, "TT": 7, "SDM": 10, "AK": 10, "PW": 15, "PP": 10}
    assert weights(rules, "permen52-2014", "area") == {"MP": 5, "TT": 5, "SDM": 15, "AK": 10, "PW": 15, "PP": 10}


def test_pemenuhan_and_reform_halves_sum_to_30_each(rules):
    halves = rules.indicators("permen90-2021", "half")
    for half in ("pemenuhan", "reform"):
        assert math.isclose(sum(i.weight for i in halves if i.half == half), 30.0)
    # every area: its two halves are equal and sum to the area
    areas = weights(rules, "permen90-2021", "area")
    for area, weight in areas.items():
        own = {i.half: i.weight for i in halves if i.area == area}
        assert own["pemenuhan"] == own["reform"] == weight / 2


def test_subareas_sum_to_their_half(rules):
    halves = weights(rules, "permen90-2021", "half")
    subareas = rules.indicators("permen90-2021", "subarea")
    assert len(subareas) == 42  # 25 pemenuhan + 17 reform sub-areas listed in lke-zi.md
    for half, weight in halves.items():
        children = [s.weight for s in subareas if s.parent == half]
        assert children, half
        assert math.isclose(sum(children), weight), half
    # spot checks against the reference
    sub = {s.code: s.weight for s in subareas}
    assert (sub["MP-P1"], sub["SDM-P4"], sub["PW-R2"], sub["TT-R3"]) == (0.5, 2.0, 3.0, 2.0)
    assert rules.indicators("permen52-2014", "subarea") == []


@pytest.mark.parametrize(
    "rubric, groups",
    [
        ("permen90-2021", {"BERSIH": 22.5, "PELAYANAN": 17.5}),
        ("permen52-2014", {"BERSIH": 20.0, "PELAYANAN": 20.0}),
    ],
)
def test_results_sum_to_40_and_to_their_groups(rules, rubric, groups):
    results = rules.indicators(rubric, "result")
    assert math.isclose(sum(r.weight for r in results), 40.0)
    assert weights(rules, rubric, "group") == groups
    for group, weight in groups.items():
        assert math.isclose(sum(r.weight for r in results if r.parent == group), weight)


def test_result_weights_90_2021(rules):
    assert weights(rules, "permen90-2021", "result") == {"IPAK": 17.5, "CK": 5.0, "IPKP": 17.5}
    assert {r.code for r in rules.indicators("permen90-2021", "result") if r.survey} == {"IPAK", "IPKP"}


def test_thresholds_read_back_exactly_as_written():
    with open(RULES_PATH, "rb") as fh:
        raw = tomllib.load(fh)
    expected = set()
    for rubric, spec in raw["rubrics"].items():
        for predicate, block in spec.get("thresholds", {}).items():
            for condition, minimum in block.items():
                if isinstance(minimum, (int, float)) and not isinstance(minimum, bool):
                    expected.add((rubric, predicate, condition, float(minimum), block["provisional"], block["source"]))
    rules = load_rules()
    got = {(t.rubric, t.predicate, t.condition, t.minimum, t.provisional, t.source) for t in rules.thresholds()}
    assert got == expected
    assert len(got) == 14  # 7 numeric conditions for WBK and for WBBM under 90/2021; none under 52/2014
    # and the values are the reference's (lke-zi.md section 4)
    assert rules.threshold("permen90-2021", "WBK", "total") == 75.0
    assert rules.threshold("permen90-2021", "WBBM", "IPKP") == 15.75
    assert rules.threshold("permen90-2021", "WBK", "area_pct") == 60.0
    assert rules.rubrics["permen90-2021"].requires_prior == {"WBK": (), "WBBM": ("WBK", "WBBM")}
    assert rules.thresholds("permen52-2014") == []
    assert rules.rubrics["permen52-2014"].thresholds_confirmed is False
    assert rules.rubrics["permen90-2021"].thresholds_confirmed is True


@pytest.mark.parametrize(
    "year, rubric",
    [
        (2010, "permen52-2014"),
        (2021, "permen52-2014"),
        (2022, "permen90-2021"),
        (2030, "permen90-2021"),
    ],
)
def test_rubric_for_year(rules, year, rubric):
    assert rules.rubric_for_year(year) == rubric


def _broken_copy(tmp_path, old: str, new: str):
    text = RULES_PATH.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "rules.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "old, new, said",
    [
        # an area weight: the areas no longer sum to 60
        (
            'MP  = { name = "Manajemen Perubahan", pemenuhan = 4.0, reform = 4.0 }',
            'MP  = { name = "Manajemen Perubahan", pemenuhan = 4.0, reform = 4.5 }',
            "pengungkit",
        ),
        # a sub-area: MP-PEMENUHAN's sub-areas no longer sum to 4
        (
            'MP-P1  = { name = "Penyusunan tim kerja", weight = 0.5 }',
            'MP-P1  = { name = "Penyusunan tim kerja", weight = 0.75 }',
            "MP-PEMENUHAN",
        ),
        # a result: the results no longer sum to 40
        (
            'CK   = { name = "Capaian kinerja lebih baik dari sebelumnya", group = "BERSIH", weight = 5.0',
            'CK   = { name = "Capaian kinerja lebih baik dari sebelumnya", group = "BERSIH", weight = 6.0',
            "hasil",
        ),
        # a 52/2014 area
        (
            'SDM = { name = "Penataan Sistem Manajemen SDM Aparatur", weight = 15.0 }',
            'SDM = { name = "Penataan Sistem Manajemen SDM Aparatur", weight = 14.0 }',
            "permen52-2014",
        ),
    ],
)
def test_broken_rules_file_raises(tmp_path, old, new, said):
    path = _broken_copy(tmp_path, old, new)
    with pytest.raises(RulesError, match=said):
        load_rules(path)


def test_threshold_on_unknown_condition_raises(tmp_path):
    path = _broken_copy(tmp_path, "IPKP = 14.00\n", "IPKP = 14.00\nIPKX = 1.0\n")
    with pytest.raises(RulesError, match="IPKX"):
        load_rules(path)


def test_unmodified_copy_loads(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_bytes(RULES_PATH.read_bytes())
    assert load_rules(path).version == load_rules().version


@pytest.mark.parametrize(
    "code, index, points", [("IPAK", 3.60, 15.75), ("IPKP", 3.20, 14.00), ("IPKP", 4.0, 17.5), ("IPAK", 1.0, 4.375)]
)
def test_survey_conversion(rules, code, index, points):
    assert rules.survey_points("permen90-2021", code, index) == pytest.approx(points, abs=1e-12)
