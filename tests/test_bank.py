"""The question bank (data/lke_questions.csv, named by [lke] of data/rules.toml) is part of the rules: its
items agree with the reference's list, its sub-area weights with the rules file, its formulas parse and
name inputs that exist; a bank that contradicts the rules is refused before anything is scored."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from zi.domain.bank import load_bank
from zi.domain.rules import DATA_DIR, RULES_PATH, RulesError, load_rules

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "lke_questions.csv"


def test_the_bank_holds_the_reference_list_item_for_item():
    if not REFERENCE.exists():
        pytest.skip("../shared/reference/lke_questions.csv is not beside this checkout")
    with open(REFERENCE, encoding="utf-8", newline="") as fh:
        reference = {r["kode"]: r for r in csv.DictReader(fh)}
    bank = load_bank()
    ours = {i.code: i for i in bank.items if i.source == "portalrb_2026"}
    assert set(ours) == set(reference)
    for code, row in reference.items():
        item = ours[code]
        assert (item.soal_id, item.kind, item.subarea, item.subarea_weight) == (
            int(row["soal_id_2026"]) if row["soal_id_2026"] else None,
            row["jenis"],
            row["sub_area"],
            float(row["bobot_sub_area"]),
        )
    # only LAMPIRAN III's stated totals are added, each the sum of its parts
    added = [i for i in bank.items if i.source != "portalrb_2026"]
    assert [(i.code, i.kind, i.formula.text) for i in added] == [
        ("PW-R3a-a.0", "TOTAL", "a.1 + a.2 + a.3"),
        ("PW-R3b-a.0", "TOTAL", "a.1 + a.2 + a.3"),
    ]


def test_127_answered_items_in_the_2026_list_and_the_rules_weights():
    bank = load_bank()
    assert len(bank.by_soal_id) == 127  # lke-workbook.md section 2
    rules = load_rules()
    weights = {s.code: s.weight for s in rules.indicators("permen90-2021", "subarea")}
    nested = sum(items[0].subarea_weight for code, items in bank.subareas.items() if items[0].parent == "PW-R3")
    assert nested == weights["PW-R3"] == 2.0  # LHKPN 1 + LHKASN 1
    assert bank.index_scale(rules) == 4.0  # IPAK and IPKP: index / 4, from [survey_index]


def _copy(tmp_path: Path, rules_edit=None, bank_edit=None) -> Path:
    """The rules file and the bank beside it in tmp_path, each optionally edited (old, new)."""
    text = RULES_PATH.read_text(encoding="utf-8")
    if rules_edit:
        assert text.count(rules_edit[0]) == 1
        text = text.replace(*rules_edit)
    (tmp_path / "rules.toml").write_text(text, encoding="utf-8")
    bank = (DATA_DIR / "lke_questions.csv").read_text(encoding="utf-8")
    if bank_edit:
        assert bank.count(bank_edit[0]) == 1, bank_edit[0]
        bank = bank.replace(*bank_edit)
    (tmp_path / "lke_questions.csv").write_text(bank, encoding="utf-8")
    return tmp_path / "rules.toml"


@pytest.mark.parametrize(
    ("rules_edit", "bank_edit", "said"),
    [
        (
            None,
            (
                "MP-P2-a,3,pemenuhan,MP,MP-P2,Rencana Pembangunan Zona Integritas,1,",
                "MP-P2-a,3,pemenuhan,MP,MP-P2,Rencana Pembangunan Zona Integritas,1.5,",
            ),
            "bobot MP-P2",
        ),
        (None, ('"min(1, a.2 / a.1)",Agen', '"min(1, a.9 / a.1)",Agen'), "menyebut a.9"),
        (None, ('"min(1, b.2 / b.1)",Perubahan', '"min(1, b.2 // b.1)",Perubahan'), "MP-R1-b"),
        (None, ("A=1;B=0.5;C=0,,Penentuan", "A=1;B=0.5,,Penentuan"), "ABC perlu 3 pilihan"),
        (('"PW-R2-a" = 1.0', '"PW-R2-a" = 1.5'), None, "zero_denominator"),
        (('default = "tolak"', 'default = "tebak"'), None, "tebak"),
    ],
)
def test_a_bank_that_contradicts_the_rules_is_refused(tmp_path, rules_edit, bank_edit, said):
    path = _copy(tmp_path, rules_edit, bank_edit)
    with pytest.raises(RulesError, match=said):
        load_bank(load_rules(path))


def test_an_unmodified_copy_loads(tmp_path):
    bank = load_bank(load_rules(_copy(tmp_path)))
    assert len(bank.items) == len(load_bank().items) and bank.path.parent == tmp_path
