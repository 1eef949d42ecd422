"""Reading LKE files as inspectors hold them (etl.read), scored by the rules (zi.domain.scoring).

The fixture (tests/lke_fixtures.py) is one hand-checked LKE written three ways: the official workbook
(LAMPIRAN III layout, SA and TPI columns, hidden helper sheets first), PortalRB's template and PortalRB's JSON.
Every shape must give the same answers and the hand-worked points; every refusal and warning class is
located by file, sheet, row or JSON position, cell and item code.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from lke_fixtures import EXPECTED_SA, EXPECTED_SUBAREAS, EXPECTED_TPI_TOTAL, portal_json, template, workbook
from pytest import approx

from etl.problems import FileRefused
from etl.read import read_source
from etl.sample.lke_files import Quirks
from zi.domain.bank import load_bank
from zi.domain.formula import FormulaError, parse
from zi.domain.rules import load_rules


def stage(source, name):
    return next(s for s in source.lke.stages if s.stage == name)


def refusals(source):
    return [p for p in source.problems if not p.warning]


def warnings(source):
    return [p for p in source.problems if p.warning]


def halves_and_results(score) -> dict[str, float]:
    rules = load_rules()
    found = {i.column: score.halves[i.code] for i in rules.indicators("permen90-2021", "half")}
    found |= {i.column: score.results[i.code] for i in rules.indicators("permen90-2021", "result")}
    return found | {"pengungkit": score.pengungkit, "hasil": score.hasil, "total": score.total}


@pytest.fixture(scope="module")
def shapes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lke")
    rules = load_rules()
    return {
        "lampiran3": read_source(workbook(folder), rules),
        "template": read_source(template(folder), rules),
        "json": read_source(portal_json(folder), rules),
    }


# -- the three shapes, one score ----------------------------------------------------------------------
@pytest.mark.parametrize("shape", ["lampiran3", "template", "json"])
def test_every_shape_scores_the_hand_checked_points(shapes, shape):
    source = shapes[shape]
    assert source.kind == "lke" and not refusals(source), [str(p) for p in refusals(source)]
    assert [s.stage for s in source.lke.stages] == ["SA", "TPI"]
    sa = stage(source, "SA").score
    assert halves_and_results(sa) == approx(EXPECTED_SA, abs=1e-6)
    for code, points in EXPECTED_SUBAREAS.items():
        assert sa.subareas[code] == approx(points, abs=1e-6), code
    assert stage(source, "TPI").score.total == approx(EXPECTED_TPI_TOTAL, abs=1e-6)


def test_the_workbook_is_read_from_its_visible_sheet_by_its_headers(shapes):
    source = shapes["lampiran3"]
    assert source.dialect == {"format": "xlsx", "bentuk": "lampiran3", "sheet": "LKE ZI", "header_row": 2, "tahap": "SA, TPI"}
    assert shapes["template"].dialect["bentuk"] == "portalrb_template"
    answer = stage(source, "SA").answers["MP-P1-a"]
    assert (answer.raw, answer.cell, answer.column) == ("Ya", f"K{answer.row}", "Jawaban")
    assert answer.note == "SK Kepala Dinas Nomor 800/12/2025 tentang Tim Kerja ZI"
    assert answer.evidence == "SK Tim Kerja ZI; https://drive.example.go.id/zi/sk-tim"  # P and Q, unheaded
    tpi = stage(source, "TPI").answers["MP-P4-a"]
    assert (tpi.raw, tpi.column, tpi.note) == (
        "Tidak",
        "Jawaban TPI",
        "Pimpinan belum tampil sebagai teladan; tidak ada bukti kegiatan",
    )
    assert stage(source, "SA").score.answers["PW-R3a-a.0"] == "10"  # LAMPIRAN III's stated total, read beside its parts


def test_json_answers_keep_their_place_and_portalrb_ids(shapes):
    source = shapes["json"]
    answer = stage(source, "SA").answers["MP-P1-b"]
    assert (answer.raw, answer.row, answer.cell, answer.column) == ("B", 2, "answers[1]", "jawaban_unit")
    assert source.lke.unit_name == "Dinas Perpustakaan dan Arsip" and source.lke.year == 2025
    assert "MP-R1-a" not in stage(source, "SA").answers  # computed % items are not sent
    assert stage(source, "SA").score.values["MP-R1-a"] == approx(0.8)


def test_the_shapes_agree_answer_by_answer(shapes):
    standard = {name: {s.stage: s.score.answers for s in source.lke.stages} for name, source in shapes.items()}
    total_free = {k: v for k, v in standard["lampiran3"]["SA"].items() if not k.endswith(".0")}
    assert total_free == standard["template"]["SA"] == standard["json"]["SA"]
    assert standard["template"]["TPI"] == standard["json"]["TPI"]


# -- quirks of real copies ------------------------------------------------------------------------------
def test_real_copy_quirks_read_the_same_answers(tmp_path):
    quirks = Quirks(broken_type_labels=True, marker_in_text=True, trailing_spaces=True)
    source = read_source(workbook(tmp_path, quirks=quirks), load_rules())
    assert not source.problems, [str(p) for p in source.problems]  # a line break in `A/B/\nC` is no other type
    assert stage(source, "SA").score.total == approx(EXPECTED_SA["total"], abs=1e-6)


def test_a_workbook_whose_own_sums_are_wrong_is_read_by_the_rules_with_a_warning_per_cell(tmp_path):
    source = read_source(workbook(tmp_path, quirks=Quirks(wrong_range="TT-P1")), load_rules())
    assert not refusals(source)
    assert stage(source, "SA").score.total == approx(EXPECTED_SA["total"], abs=1e-6)  # the rules' value
    shown = {(p.item, p.cell[:1], p.reason.split(" (tahap")[0]) for p in warnings(source) if "tahap SA" in p.reason}
    # TT-P1's AVERAGE misses TT-P1-c (0.25): the workbook says 1 × mean(0.67, 0.5) = 0.585, the rules 0.473333
    assert ("TT-P1", "L", "nilai di buku kerja 0,585, menurut aturan 0,4733") in shown
    items = {p.item for p in warnings(source) if "tahap SA" in p.reason}
    assert items == {"TT-P1", "TT-PEMENUHAN", "PEMENUHAN", "PENGUNGKIT", "TOTAL PENGUNGKIT", "NILAI EVALUASI ZONA INTEGRITAS"}
    first = next(p for p in warnings(source) if p.item == "TT-P1" and "tahap SA" in p.reason)
    assert (first.sheet, first.column, first.cell) == ("LKE ZI", "Nilai", f"L{first.row}")
    assert "sel L" in str(first) and "butir TT-P1" in str(first)


def test_a_stated_total_typed_over_its_parts_is_used_with_a_warning(tmp_path):
    source = read_source(workbook(tmp_path, quirks=Quirks(typed_total=("PW-R3a-a.0", 16))), load_rules())
    assert not refusals(source)
    sa = stage(source, "SA").score
    assert sa.values["PW-R3a-a"] == approx(0.5)  # 8 / 16, as the workbook computes; its parts say 8 / 10
    (found,) = [p for p in warnings(source) if p.item == "PW-R3a-a.0" and "tahap SA" in p.reason]
    assert found.value == "16" and "tidak sama dengan jumlah rinciannya 10" in found.reason


def test_an_answer_type_other_than_the_banks_is_a_warning(tmp_path):
    source = read_source(workbook(tmp_path, quirks=Quirks(mistyped_label="MP-P2-b")), load_rules())
    assert not refusals(source)
    (found,) = warnings(source)
    assert (found.item, found.value, found.column) == ("MP-P2-b", "A/B/C/D", "Pilihan Jawaban")
    assert found.cell == f"J{found.row}" and "A/B/C" in found.reason


def test_an_empty_tpi_column_is_no_stage(tmp_path):
    path = workbook(tmp_path, tpi=False)
    source = read_source(path, load_rules())
    assert [s.stage for s in source.lke.stages] == ["SA"] and not source.problems


# -- refusals ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "item", "value", "reason"),
    [
        ({"MP-P1-b": "D"}, "MP-P1-b", "D", "bukan salah satu pilihan A/B/C"),
        ({"MP-P1-a": "Mungkin"}, "MP-P1-a", "Mungkin", "bukan salah satu pilihan Ya/Tidak"),
        ({"MP-R1-a.1": 2.5}, "MP-R1-a.1", "2.5", "bilangan bulat 0 atau lebih"),
        ({"PW-R2-a.1": -3}, "PW-R2-a.1", "-3", "bilangan bulat 0 atau lebih"),
        ({"IPAK": 4.5}, "IPAK", "4.5", "indeks survei harus angka 0 sampai 4"),
        ({"IPKP": "tinggi"}, "IPKP", "tinggi", "indeks survei"),
    ],
)
def test_a_bad_answer_is_refused_located(tmp_path, changes, item, value, reason):
    source = read_source(workbook(tmp_path, changes=changes, tpi=False), load_rules())
    (found,) = refusals(source)
    assert (found.item, found.value, found.sheet, found.column) == (item, value, "LKE ZI", "Jawaban")
    assert reason in found.reason and found.cell == f"K{found.row}"


def test_every_unanswered_item_is_listed(tmp_path):
    source = read_source(
        workbook(tmp_path, changes={"MP-P2-a": None, "SDM-P4-c": None, "PP-R1-b.2": None}, tpi=False), load_rules()
    )
    assert sorted((p.item, p.reason) for p in refusals(source)) == [
        ("MP-P2-a", "belum diisi"),
        ("PP-R1-b.2", "belum diisi"),
        ("SDM-P4-c", "belum diisi"),
    ]


def test_json_refuses_an_unknown_soal_id_and_a_missing_one(tmp_path):
    path = portal_json(tmp_path)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["answers"][3]["soal_id"] = 999
    path.write_text(json.dumps(document), encoding="utf-8")
    source = read_source(path, load_rules())
    found = {(p.cell, p.column, p.value, p.item, p.reason) for p in refusals(source)}
    assert ("answers[3]", "soal_id", "999", None, "soal_id tidak dikenal di bank soal (data/lke_questions.csv)") in found
    assert (None, "soal_id", "4", "MP-P2-b", "soal_id ini tidak ada di answers") in found  # the one it replaced


def test_a_bank_item_the_workbook_lacks_and_a_row_that_matches_none_are_refused(tmp_path):
    quirks = Quirks(omitted=("TT-P2-c",), stray_row="Unit kerja memiliki kebun binatang yang terawat")
    source = read_source(workbook(tmp_path, quirks=quirks, tpi=False), load_rules())
    reasons = {(p.item, p.value, p.reason.split(";")[0]) for p in refusals(source)}
    assert ("TT-P2-c", load_bank().item("TT-P2-c").question, "butir bank soal ini tidak ditemukan di lembar") in reasons
    stray = [p for p in refusals(source) if p.value == "Unit kerja memiliki kebun binatang yang terawat"]
    assert len(stray) == 1 and stray[0].row is not None and "tidak cocok dengan butir mana pun" in stray[0].reason


def test_a_zero_denominator_is_valued_by_the_rules_with_a_warning(tmp_path):
    source = read_source(workbook(tmp_path, changes={"PW-R2-a.1": 0, "PW-R2-a.2": 0, "PW-R2-a.3": 0}, tpi=False), load_rules())
    assert not refusals(source)
    assert stage(source, "SA").score.values["PW-R2-a"] == 1.0  # [lke.zero_denominator] PW-R2-a = 1.0
    (found,) = [p for p in warnings(source) if p.item == "PW-R2-a"]
    assert "pembagi rumus nol; dinilai 1" in found.reason


def test_a_zero_denominator_is_refused_where_the_rules_say_so(tmp_path, monkeypatch):
    rules = load_rules()
    strict = replace(load_bank(rules), zero=replace(load_bank(rules).zero, values={}))
    monkeypatch.setattr("etl.read.lke_workbook.load_bank", lambda _rules: strict)
    source = read_source(workbook(tmp_path, changes={"PW-R2-a.1": 0, "PW-R2-a.3": 0}, tpi=False), rules)
    (found,) = refusals(source)
    assert found.item == "PW-R2-a" and "menolaknya" in found.reason and "a.1 = 0" in found.value


def test_the_one_stated_rule_of_a_zero_denominator_is_in_the_formula():
    """Penurunan pelanggaran disiplin: both years 0 -> 1 (the formula's own case, no policy needed)."""
    formula = parse(load_bank().item("SDM-R3-a").formula.text)
    assert formula.evaluate({"a.1": 0, "a.2": 0, "a.3": 0}) == 1
    assert formula.evaluate({"a.1": 4, "a.2": 6, "a.3": 0}) == 0  # more violations than last year: max(0, ...)


@pytest.mark.parametrize("text", ["__import__('os')", "min(1, a.2 / )", "a.1 ** 2", "1 jika a.1 = 0", "lambda: 1"])
def test_a_formula_outside_the_little_language_does_not_parse(text):
    with pytest.raises(FormulaError):
        parse(text).evaluate({"a.1": 1, "a.2": 1})


def test_a_workbook_with_the_lke_on_a_hidden_sheet_only_is_not_read_as_an_lke(tmp_path):
    """Hidden sheets are never read: the helper sheet `Utama` comes first in the fixture and is skipped."""
    import python_calamine

    path = workbook(tmp_path)
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    first = book.sheets_metadata[0]
    assert (first.name, first.visible) == ("Utama", python_calamine.SheetVisibleEnum.Hidden)
    assert read_source(path, load_rules()).sheet == "LKE ZI"


def test_a_damaged_json_is_refused_by_name(tmp_path):
    path = tmp_path / "rusak.json"
    path.write_text('{"answers": [', encoding="utf-8")
    with pytest.raises(FileRefused) as refused:
        read_source(path, load_rules())
    assert refused.value.problem.file == "rusak.json" and "bukan JSON" in refused.value.problem.reason
