"""Which answers to raise first (zi.domain.improve), on the hand-checked LKE of tests/lke_fixtures.py.

The fixture's SA loses points on a few items only (see lke_fixtures.CHANGED); every step below is worked out
by hand from the bank's option values and the sub-area weights: a step adds weight × (new − old value) / the
sub-area's scored items.
"""

from __future__ import annotations

import pytest
from lke_fixtures import CHANGED, EXPECTED_SA, TPI_CHANGES, best_answers
from pytest import approx

from zi.domain import improve
from zi.domain.bank import COMPUTED_KIND, INDEX_KIND, load_bank
from zi.domain.rules import load_rules
from zi.domain.scoring import Given, score

# IPAK 3.2 and IPKP 3.6 of 4 are survey results, never stepped: the best reachable total is 100 − 3.5 − 1.75
BEST_REACHABLE = 94.75
SA_STEPS = 14  # MP-P1-b, TT-P1-a, TT-P1-b ×2, TT-P1-c ×3, MP-R1-a, MP-R1-b, SDM-R3-a, PW-R2-a, PW-R3a-a, PP-R1-b, CK


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def answers_of(bank, raw: dict[str, object]) -> list[improve.Answer]:
    """The scored answers of one stage, as the warehouse holds them (lke_answers), scored by the rules."""
    result = score(bank, load_rules(), {code: Given(value) for code, value in raw.items()})
    return [
        improve.Answer(i.code, None if i.kind == COMPUTED_KIND else result.answers[i.code], result.values[i.code])
        for i in bank.items
        if i.scored
    ]


def sa(bank) -> list[improve.Answer]:
    return answers_of(bank, best_answers() | CHANGED)


def test_every_step_up_is_taken_one_option_at_a_time_up_to_the_best_reachable_total(bank):
    steps = improve.steps(bank, load_rules(), sa(bank), "WBK")
    assert len(steps) == SA_STEPS
    assert steps[-1].total == approx(BEST_REACHABLE)
    assert sum(s.gain for s in steps) == approx(BEST_REACHABLE - EXPECTED_SA["total"])
    # TT-P1-c was D: it rises D -> C -> B -> A, never jumping an option
    assert [(s.before, s.after) for s in steps if s.code == "TT-P1-c"] == [("D", "C"), ("C", "B"), ("B", "A")]
    assert [(s.before, s.after) for s in steps if s.code == "MP-R1-a"] == [("80 %", "100 %")]
    assert not [s for s in steps if bank.item(s.code).kind == INDEX_KIND]  # IPAK, IPKP: survey results


def test_each_step_gains_what_the_rules_formula_gives(bank):
    by_hand = {  # weight × (new − old) / items of the sub-area
        "CK": 5 * 0.25,
        "PW-R2-a": 3 * 0.25,
        "PP-R1-b": 2.5 * 0.5 / 2,
        "SDM-R3-a": 2 * 0.25,
        "MP-R1-b": 2 * 0.25 / 2,
        "MP-R1-a": 2 * 0.2 / 2,
        "PW-R3a-a": 1 * 0.2,
        "MP-P1-b": 0.5 * 0.5 / 2,
        "TT-P1-a": 1 * (1 - 0.67) / 3,
    }
    steps = {s.code: s for s in improve.steps(bank, load_rules(), sa(bank), "WBK")}
    for code, gain in by_hand.items():
        assert steps[code].gain == approx(gain), code
    # and an option step equals re-scoring the stage with that one answer changed
    before = score(bank, load_rules(), {c: Given(v) for c, v in (best_answers() | CHANGED).items()})
    after = score(bank, load_rules(), {c: Given(v) for c, v in (best_answers() | CHANGED | {"CK": "A"}).items()})
    assert after.total - before.total == approx(steps["CK"].gain)


def test_a_step_that_alone_lifts_a_failing_condition_comes_before_a_bigger_one(bank):
    """The TPI's answers (89.115) fail WBK on BERSIH (IPAK 14 + CK 3.75 = 17.75 < 18.25) and IPAK (14 < 15.75).
    CK B -> A (1.25) lifts BERSIH alone, so it is first; IPAK cannot be stepped and stays failing."""
    tpi = answers_of(bank, best_answers() | CHANGED | TPI_CHANGES)
    steps = improve.steps(bank, load_rules(), tpi, "WBK")
    first = steps[0]
    assert (first.code, first.before, first.after, first.lifts) == ("CK", "B", "A", ("BERSIH",))
    assert first.total == approx(89.115 + 1.25)
    assert first.failing == 1 and steps[-1].failing == 1  # IPAK below its minimum whatever the answers
    # then by points: PW-R2-a 0.75, PP-R1-b 0.625, SDM-R3-a 0.5, AK-P1-a C -> B and B -> A 0.416667 each
    assert [(s.code, round(s.gain, 6)) for s in steps[1:6]] == [
        ("PW-R2-a", 0.75),
        ("PP-R1-b", 0.625),
        ("SDM-R3-a", 0.5),
        ("AK-P1-a", 0.416667),
        ("AK-P1-a", 0.416667),
    ]
    assert len(steps) == SA_STEPS + 3  # plus MP-P4-a Tidak -> Ya and AK-P1-a's two steps
    assert steps[-1].total == approx(BEST_REACHABLE)


def test_a_unit_at_its_best_has_no_step(bank):
    top = [
        improve.Answer(a.code, bank.item(a.code).options[0][0] if bank.item(a.code).options else None, 1.0)
        if bank.item(a.code).kind != INDEX_KIND
        else a
        for a in sa(bank)
    ]
    assert improve.steps(bank, load_rules(), top, "WBK") == []
