"""zi.domain.conditions (Python, for the target simulation) agrees with the warehouse's `score_conditions`
view (SQL) on every 90/2021 row of the bundled sample, and on hand-checked what-if cases."""

from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from etl.__main__ import main as etl_main
from zi.domain.conditions import eligible, evaluate, totals
from zi.domain.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("sample") / "zi.duckdb"
    assert etl_main(["load", str(ROOT / "data" / "sample"), "--db", str(db)]) == 0
    return db


def test_python_conditions_equal_the_view_on_every_sample_row(sample_db):
    rules = load_rules()
    con = duckdb.connect(str(sample_db), read_only=True)
    points = defaultdict(dict)
    for unit, year, stage, code, value in con.execute(
        "SELECT unit_id, year, stage, code, points FROM score_items WHERE level IN ('area', 'half', 'result')"
    ).fetchall():
        points[(unit, year, stage)][code] = value
    held = defaultdict(set)
    for unit, year, predicate in con.execute(
        "SELECT DISTINCT unit_id, year, predikat FROM scores WHERE predikat IS NOT NULL"
    ).fetchall():
        held[unit].add((year, predicate))
    expected = defaultdict(set)
    for unit, year, stage, predicate, condition, subject, value, minimum, met in con.execute(
        "SELECT unit_id, year, stage, predicate, condition, subject, value, minimum, met FROM score_conditions"
    ).fetchall():
        expected[(unit, year, stage)].add((predicate, condition, subject, round(value, 9), round(minimum, 9), met))
    rows = con.execute("SELECT unit_id, year, stage, rubric FROM scores WHERE rubric = 'permen90-2021'").fetchall()
    assert len(rows) > 500
    for unit, year, stage, rubric in rows:
        before = {p for y, p in held[unit] if y < year}
        got = {
            (c.predicate, c.condition, c.subject, round(c.value, 9), round(c.minimum, 9), c.met)
            for c in evaluate(rules, rubric, points[(unit, year, stage)], before)
        }
        assert got == expected[(unit, year, stage)], (unit, year, stage)


def _strong_unit() -> dict[str, float]:
    # Halves at 90 % of weight: MP 3.6+3.6, TT 3.15+3.15, SDM 4.5+4.5, AK 4.5+4.5, PW 6.75+6.75, PP 4.5+4.5
    # -> pengungkit 54; results IPAK 16, CK 4, IPKP 16 -> hasil 36; total 90.
    rules = load_rules()
    points = {h.code: 0.9 * h.weight for h in rules.indicators("permen90-2021", "half")}
    points.update(IPAK=16.0, CK=4.0, IPKP=16.0)
    return points


def test_what_if_a_strong_unit_meets_wbk_and_wbbm_only_with_an_earlier_wbk():
    rules = load_rules()
    points = _strong_unit()
    assert totals(rules, "permen90-2021", points)["total"] == pytest.approx(90.0)
    never = evaluate(rules, "permen90-2021", points)
    assert eligible(never, "WBK") is True
    assert eligible(never, "WBBM") is False
    assert [c.condition for c in never if not c.met] == ["prior"]
    assert eligible(evaluate(rules, "permen90-2021", points, {"WBK"}), "WBBM") is True


def test_what_if_one_reform_half_below_sixty_percent_blocks_only_that_condition():
    rules = load_rules()
    points = _strong_unit() | {"PW-REFORM": 4.4}  # 4.4 of 7.5 = 58.7 % < 60 %; needs 4.5
    failing = [c for c in evaluate(rules, "permen90-2021", points) if c.predicate == "WBK" and not c.met]
    assert [(c.condition, c.subject) for c in failing] == [("area_pct", "PW-REFORM")]
    assert failing[0].missing == pytest.approx(0.1)


def test_rubric_without_thresholds_is_unknown():
    rules = load_rules()
    points = {a.code: a.weight for a in rules.indicators("permen52-2014", "area")} | {
        "HASIL-BERSIH": 20.0,
        "HASIL-PELAYANAN": 20.0,
    }
    assert eligible(evaluate(rules, "permen52-2014", points), "WBK") is None
