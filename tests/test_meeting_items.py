"""The meeting pack down to the LKE's questions (`zi.meeting.content.lke_items`): the sections "Butir yang perlu
diperbaiki" and "Yang dilakukan unit teladan" in the pack, the deck, the workbook, and on the pages Paket
rapat and Mode presentasi (AppTest).

The bundled sample with the seed good practices, built by the ETL, holds LKE item answers for Kalimantan
Tengah (2024-2025) and Jawa Barat (2025), SA and TPI. Kalimantan Tengah learns from Jawa Barat, 2025, TPI,
Menuju WBK: once for the province as a whole, once for one of its units that has LKE answers; 2023 has
no item answers. Every expected table is the query layer's own result (`zi.query.items`), every expected
number in the notes is computed from the query functions, never from the pack.
"""

from __future__ import annotations

import io
import itertools
import math
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from pptx import Presentation
from streamlit.testing.v1 import AppTest
from test_meeting import texts

from zi.domain.rules import load_rules
from zi.meeting.content import cells, lke_items, model
from zi.meeting.content.pack import ITEMS_SHOWN, build_pack
from zi.meeting.render import deck, slide_table, workbook
from zi.present.labels import markdown_text, number
from zi.query import items, queries

ROOT = Path(__file__).resolve().parent.parent
KALTENG, JABAR = 62, 32
YEAR, STAGE, SCOPE, PREDICATE = 2025, "TPI", "provinsi", "WBK"
EMPTY_YEAR = 2023  # the sample's LKE files start in 2024


@pytest.fixture(scope="module")
def unit(sample_wh) -> pd.Series:
    """The first Kalteng unit scored at TPI in 2025 whose LKE answers were loaded."""
    units = queries.unit_totals(sample_wh, YEAR, STAGE, SCOPE, [KALTENG])
    with_answers = [i for i, u in enumerate(units["unit_id"]) if not items.unit_answers(sample_wh, u, YEAR).empty]
    assert with_answers
    return units.iloc[with_answers[0]]


def selection(year: int = YEAR, unit_id: str | None = None, scope: str = SCOPE) -> model.Selection:
    return model.Selection([KALTENG, JABAR], year, STAGE, scope, PREDICATE, unit_id)


@pytest.fixture(scope="module")
def packs(sample_wh, unit) -> dict[str, model.MeetingPack]:
    return {
        "provinsi": build_pack(sample_wh, selection()),
        "unit": build_pack(sample_wh, selection(unit_id=unit["unit_id"])),
        "kosong": build_pack(sample_wh, selection(EMPTY_YEAR)),
    }


@pytest.fixture(scope="module")
def decks(packs) -> dict[str, Presentation]:
    return {name: Presentation(io.BytesIO(deck.build_deck(p))) for name, p in packs.items()}


@pytest.fixture(scope="module")
def books(packs) -> dict:
    return {name: load_workbook(io.BytesIO(workbook.build_workbook(p))) for name, p in packs.items()}


def section_slides(drawn, pack, key: str) -> list:
    """The slides of one section, as the deck's plan lays them out (the title slide is 1)."""
    return [drawn.slides[n - 1] for n in deck.slide_numbers(pack)[key]]


def charts_on(slide) -> list:
    return [shape.chart for shape in slide.shapes if shape.has_chart]


def tables_on(slide) -> list:
    return [shape.table for shape in slide.shapes if shape.has_table]


def same(a, b) -> bool:
    return all(math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9) for x, y in zip(a, b, strict=True))


def expected_peers(wh, unit_row: pd.Series | None) -> tuple[list[str], pd.DataFrame]:
    unit_id = None if unit_row is None else unit_row["unit_id"]
    jenis = None if unit_row is None else unit_row["jenis_unit"]
    codes = items.weakest_codes(wh, YEAR, STAGE, PREDICATE, SCOPE, KALTENG, unit_id)
    return codes, items.item_peers(wh, tuple(codes), YEAR, STAGE, KALTENG, unit_id, jenis)


# -- the pack ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["provinsi", "unit"])
def test_both_sections_follow_their_neighbours_with_rows(packs, name):
    pack = packs[name]
    keys = [s.key for s in pack.sections]
    assert keys.index("butir") == keys.index("prioritas") + 1
    assert keys.index("teladan") == keys.index("belajar") + 1
    butir, teladan = pack.section("butir"), pack.section("teladan")
    assert butir.title.startswith("Butir yang perlu diperbaiki") and teladan.title == "Yang dilakukan unit teladan"
    assert not butir.empty and not teladan.empty
    assert len(pack.tables["butir"].frame) > ITEMS_SHOWN and len(pack.tables["teladan"].frame)


def test_the_province_items_are_the_query_result(packs, sample_wh):
    table = packs["provinsi"].tables["butir"]
    expected = items.item_gaps(sample_wh, YEAR, STAGE, SCOPE, [KALTENG])
    pd.testing.assert_frame_equal(table.frame[list(expected.columns)], expected)
    shown = cells.brief(table)  # what a slide and a screen show: the first rows, a code with its question
    assert len(shown) == ITEMS_SHOWN == table.slide_rows
    assert [b.split(" · ")[0] for b in shown["Butir"]] == expected["kode"].head(ITEMS_SHOWN).tolist()
    assert packs["provinsi"].section("butir").title == "Butir yang perlu diperbaiki: Kalimantan Tengah"


def test_the_unit_steps_are_the_query_result(packs, sample_wh, unit):
    pack = packs["unit"]
    table = pack.tables["butir"]
    expected = items.item_steps(sample_wh, unit["unit_id"], YEAR, STAGE, PREDICATE)
    pd.testing.assert_frame_equal(table.frame[list(expected.columns)], expected)
    assert pack.section("butir").title == f"Butir yang perlu diperbaiki: {unit['unit']}"
    assert pack.unit_total == pytest.approx(unit["total"])
    assert dict(pack.facts)["Unit kerja (prioritas dan butir LKE)"] == unit["unit"]
    shown = cells.brief(table)
    assert list(shown["Langkah"]) == [str(r) for r in range(1, ITEMS_SHOWN + 1)]
    top = expected.head(ITEMS_SHOWN)
    assert list(shown["Jawaban"]) == [f"{b} → {a}" for b, a in zip(top["before"], top["after"], strict=True)]


@pytest.mark.parametrize(("name", "points"), [("provinsi", "recoverable"), ("unit", "gain")])
def test_the_chart_holds_the_points_of_the_table(packs, decks, name, points):
    pack = packs[name]
    section, table = pack.section("butir"), pack.tables["butir"]
    top = table.frame.head(ITEMS_SHOWN)
    assert section.chart is not None and section.chart.kind == "bars"
    assert same(section.chart.series[0].values, top[points])
    first, *rest = section_slides(decks[name], pack, "butir")
    (chart,) = charts_on(first)  # native, on a slide of its own; the table follows
    assert same(chart.plots[0].series[0].values, top[points])
    assert [str(c).split(" · ")[0].split(": ")[0].split(". ")[-1] for c in chart.plots[0].categories] == top["kode"].tolist()
    assert rest and all(tables_on(s) and not charts_on(s) for s in rest)


def test_unit_notes_carry_the_numbers(packs, decks, sample_wh, unit):
    pack = packs["unit"]
    steps = items.item_steps(sample_wh, unit["unit_id"], YEAR, STAGE, PREDICATE)
    top = steps.head(ITEMS_SHOWN)
    start = queries.unit_totals(sample_wh, YEAR, STAGE, SCOPE, [KALTENG]).set_index("unit_id").at[unit["unit_id"], "total"]
    threshold = load_rules().total_thresholds(load_rules().rubric_for_year(YEAR))[PREDICATE]
    assert threshold == int(threshold)  # 75 in the rules: written without decimals
    notes = "\n".join(pack.section("butir").notes)
    assert f"{unit['unit']}, tahap {STAGE} {YEAR}: {ITEMS_SHOWN} langkah pertama dari {len(steps)}" in notes
    assert f"Nilai total {STAGE} sekarang {number(start)}; setelah {ITEMS_SHOWN} langkah {number(top['total'].iat[-1])}" in notes
    assert f"Ambang nilai total {PREDICATE} (aturan): {number(threshold, 0)}" in notes
    biggest = top.loc[top["gain"].idxmax()]
    assert f"{biggest['kode']} {biggest['before']} → {biggest['after']}, +{number(biggest['gain'])} poin ({STAGE})" in notes
    reached = items.steps_to_threshold(steps, start, threshold)
    assert dict(pack.section("butir").figures)[f"Langkah sampai ambang total {PREDICATE}"] == (
        "–" if reached is None else str(reached)
    )
    first = section_slides(decks["unit"], pack, "butir")[0]
    assert first.notes_slide.notes_text_frame.text == notes


def test_province_notes_carry_the_numbers(packs, sample_wh):
    pack = packs["provinsi"]
    gaps = items.item_gaps(sample_wh, YEAR, STAGE, SCOPE, [KALTENG])
    top = gaps.head(ITEMS_SHOWN)
    summary = queries.province_summary(sample_wh, YEAR, STAGE, SCOPE).set_index("province_code").loc[KALTENG]
    assert summary["assessed"] == gaps["units"].max() == gaps["units"].min()  # every assessed unit has an LKE
    gain = top["recoverable"].sum()
    notes = "\n".join(pack.section("butir").notes)
    assert f"{ITEMS_SHOWN} dari {len(gaps)} butir" in notes and f"jawaban per butir dari {gaps['units'].max()} unit" in notes
    assert (
        f"bertambah {number(gain)} poin: dari {number(summary['mean_total'])} ke {number(summary['mean_total'] + gain)}" in notes
    )
    assert f"+{number(top['recoverable'].iat[0])} poin rata-rata per unit" in notes  # the largest comes first
    assert f"Ambang nilai total {PREDICATE} (aturan): " in notes and f"({STAGE})" in notes


@pytest.mark.parametrize("name", ["provinsi", "unit"])
def test_the_peers_are_the_query_result_and_the_notes_name_the_first(packs, sample_wh, unit, name):
    codes, expected = expected_peers(sample_wh, unit if name == "unit" else None)
    table = packs[name].tables["teladan"]
    pd.testing.assert_frame_equal(table.frame[list(expected.columns)], expected)
    assert JABAR in set(expected["province_code"])
    notes = "\n".join(packs[name].section("teladan").notes)
    for code in codes:
        found = expected[expected["kode"] == code]
        if found.empty:
            assert f"{code}: belum ada unit lain yang menjawab penuh pada {STAGE}." in notes
            continue
        first = found.iloc[0]
        assert f"{code}: {first['unit']} ({first['province']}) menjawab {first['jawaban']} pada {STAGE}" in notes
        if isinstance(first["catatan"], str):
            assert first["catatan"] in notes  # what it wrote, whole


# -- slides and sheets --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["provinsi", "unit"])
def test_slide_tables_continue_and_hold_every_shown_row(packs, name):
    pack = packs[name]
    for key, rows in (("butir", ITEMS_SHOWN), ("teladan", len(pack.tables["teladan"].frame))):
        pages = [p for p in deck.plan(pack) if p.section == key and p.rows is not None]
        assert list(itertools.chain.from_iterable(p.rows for p in pages)) == list(range(rows)), key
        titles = [p.title for p in deck.plan(pack) if p.section == key]
        assert titles[0] == pack.section(key).title and all(t == titles[0] + slide_table.MORE for t in titles[1:]), key
    assert len([p for p in deck.plan(pack) if p.section == "teladan"]) > 1  # the sample's peers take more than one slide


def test_sheets_hold_every_row_and_whole_texts(packs, books, decks):
    for name in ("provinsi", "unit"):
        pack, book = packs[name], books[name]
        names = book.sheetnames
        assert names.index("Butir diperbaiki") == names.index("Prioritas") + 1
        assert names.index("Unit teladan") == names.index("Unit pembanding") + 1
        for key, sheet in (("butir", "Butir diperbaiki"), ("teladan", "Unit teladan")):
            frame = pack.tables[key].frame
            assert book[sheet].max_row == workbook.HEADER_ROW + 1 + len(frame), (name, sheet)
    # A note longer than a slide allows: shortened on the slide, whole in the sheet.
    pack, book = packs["provinsi"], books["provinsi"]
    frame = pack.tables["teladan"].frame
    long = [v for v in frame["catatan"] if isinstance(v, str) and len(v) > lke_items.NOTE_SHORT]
    assert long
    sheet = book["Unit teladan"]
    header = [c.value for c in sheet[workbook.HEADER_ROW + 1]]
    column = [
        sheet.cell(row=r, column=header.index("Yang dilakukan") + 1).value
        for r in range(workbook.HEADER_ROW + 2, sheet.max_row + 1)
    ]
    assert column == [v if isinstance(v, str) else None for v in frame["catatan"]]
    drawn = [t for s in section_slides(decks["provinsi"], pack, "teladan") for t in texts(s)]
    for text in long:
        assert text not in drawn and cells.shortened(text, lke_items.NOTE_SHORT) in drawn


def test_a_year_without_item_answers_says_so(packs, decks, books, sample_wh):
    assert items.item_gaps(sample_wh, EMPTY_YEAR, STAGE, SCOPE, [KALTENG]).empty
    pack = packs["kosong"]
    for key in ("butir", "teladan"):
        section = pack.section(key)
        assert section.empty and section.chart is None
        assert "belum punya jawaban LKE per butir" in section.empty and "Belajar dari siapa" in section.empty
        (slide,) = section_slides(decks["kosong"], pack, key)
        assert not charts_on(slide) and not tables_on(slide)
        assert section.empty in texts(slide)
    assert "Prioritas perbaikan" in pack.section("butir").empty
    for sheet in ("Butir diperbaiki", "Unit teladan"):
        assert books["kosong"][sheet].max_row == workbook.HEADER_ROW + 1  # the header, no rows


def test_a_unit_without_item_answers_says_so(sample_wh):
    """Jawa Barat learning in 2024: its units have rekap scores, their LKE answers start in 2025."""
    units = queries.unit_totals(sample_wh, 2024, STAGE, SCOPE, [JABAR])
    without = [u for u in units.itertuples() if items.unit_answers(sample_wh, u.unit_id, 2024).empty]
    assert without
    pack = build_pack(sample_wh, model.Selection([JABAR, KALTENG], 2024, STAGE, SCOPE, PREDICATE, without[0].unit_id))
    section = pack.section("butir")
    assert section.title == f"Butir yang perlu diperbaiki: {without[0].unit}"
    assert section.empty == (
        f"{without[0].unit} belum punya jawaban LKE per butir untuk {STAGE} 2024; lihat juga bagian Prioritas "
        "perbaikan (per sub-area) dan Belajar dari siapa (per area)."
    )
    assert section.chart is None and pack.tables["butir"].frame.empty
    assert pack.section("teladan").empty and pack.tables["teladan"].frame.empty


# -- the pages (AppTest) ------------------------------------------------------------------------------
@pytest.fixture
def open_page(monkeypatch, sample_wh):
    def run(page: str, **params) -> AppTest:
        monkeypatch.setenv("ZI_DB", str(sample_wh.path))
        at = AppTest.from_file(str(ROOT / "pages" / "kaji_tiru" / page), default_timeout=90)
        at.query_params.update(params)
        return at.run()

    return run


def contents_titles(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["Judul"])


def test_paket_with_a_unit_chosen(open_page, packs, unit):
    at = open_page("paket.py", tahun=str(YEAR))
    assert not at.exception
    assert "Butir yang perlu diperbaiki: Kalimantan Tengah" in contents_titles(at)
    assert "Yang dilakukan unit teladan" in contents_titles(at)
    picker = at.selectbox(key="unit_kerja")
    assert picker.label == "Unit kerja (untuk butir yang perlu diperbaiki)" and picker.value is None
    picker.set_value(unit["unit_id"]).run()
    assert not at.exception
    contents = at.dataframe[0].value.set_index("Judul")
    steps = len(packs["unit"].tables["butir"].frame)
    assert (
        contents.at[f"Butir yang perlu diperbaiki: {unit['unit']}", "Data"]
        == f"{ITEMS_SHOWN} dari {steps} baris di slide (semua di Excel)"
    )
    assert contents.at[f"Butir yang perlu diperbaiki: {unit['unit']}", "Lembar Excel"] == "Butir diperbaiki"
    at.button(key="siapkan").click().run()
    assert not at.exception
    assert [d.proto.label for d in at.get("download_button")] == ["Unduh PowerPoint (.pptx)", "Unduh Excel (.xlsx)"]


def test_paket_opens_the_unit_of_a_link(open_page, unit):
    at = open_page("paket.py", tahun=str(YEAR), unit_kerja=unit["unit"])
    assert not at.exception
    assert at.selectbox(key="unit_kerja").value == unit["unit_id"]
    assert f"Butir yang perlu diperbaiki: {unit['unit']}" in contents_titles(at)
    at = open_page("paket.py", tahun=str(YEAR), unit_kerja="Dinas yang tidak ada")
    assert not at.exception and at.selectbox(key="unit_kerja").value is None
    assert any("unit_kerja" in i.value and "keseluruhan" in i.value for i in at.info)


def screens_of(pack, key: str) -> list[tuple[int, tuple[int, ...] | None]]:
    """(screen number, rows) of a section's screens (screen 1 is the title; screen n shows slide n + 1)."""
    return [(n, rows) for n, (k, _, rows) in enumerate(deck.screens(pack), start=2) if k == key]


def test_presentasi_shows_the_unit_steps_then_their_table(open_page, packs, unit):
    pack = packs["unit"]
    (chart_screen, chart_rows), *table_screens = screens_of(pack, "butir")
    assert chart_rows is None and table_screens
    at = open_page("presentasi.py", tahun=str(YEAR), unit_kerja=unit["unit"], slide=str(chart_screen))
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1
    assert [(m.label, m.value) for m in at.metric] == [(markdown_text(k), v) for k, v in pack.section("butir").figures]
    shown = []
    for n, _ in table_screens:
        at = open_page("presentasi.py", tahun=str(YEAR), unit_kerja=unit["unit"], slide=str(n))
        assert not at.exception and not at.get("plotly_chart")
        assert at.header[0].value.endswith(markdown_text(slide_table.MORE))
        shown += list(at.table[0].value["Langkah"])
    assert shown == [str(r) for r in range(1, ITEMS_SHOWN + 1)]


def test_presentasi_shows_the_peers_as_the_slides_do(open_page, packs):
    pack = packs["provinsi"]
    frame = pack.tables["teladan"].frame
    shown = []
    for n, rows in screens_of(pack, "teladan"):
        at = open_page("presentasi.py", tahun=str(YEAR), slide=str(n))
        assert not at.exception
        assert at.header[0].value.startswith("Yang dilakukan unit teladan")
        units = list(at.table[0].value[markdown_text("Unit kerja")])
        assert units == [markdown_text(u) for u in frame["unit"].iloc[list(rows)]]
        shown += units
    assert shown == [markdown_text(u) for u in frame["unit"]]
    ((n, _),) = screens_of(pack, "butir")[:1]
    at = open_page("presentasi.py", tahun=str(YEAR), slide=str(n))  # the province's items: a chart screen
    assert not at.exception and len(at.get("plotly_chart")) == 1


def test_presentasi_says_when_there_are_no_item_answers(open_page, packs):
    pack = packs["kosong"]
    for key in ("butir", "teladan"):
        ((n, _),) = screens_of(pack, key)
        at = open_page("presentasi.py", tahun=str(EMPTY_YEAR), slide=str(n))
        assert not at.exception and not at.get("plotly_chart")
        assert any(i.value == pack.section(key).empty for i in at.info)
