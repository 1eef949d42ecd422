"""Reading one input file (`etl.read.read_source`): every dialect the data contract promises, the
recorded dialect, spreadsheet row numbers, XLSX sheets/formulas/limits, type by content, headers.

Each fixture is a few lines written by the test. Values stay text at this step (parsing is
`validate`'s job), so the assertions compare the text cells and `_row`.
"""

from __future__ import annotations

import shutil
import zipfile

import openpyxl
import pytest
import xlsxwriter
from conftest import HEADER_90, ROW_90, load, query, write_csv

from etl.problems import FileRefused
from etl.read import read_source

KEYS = ["provinsi", "unit_kerja", "tahun", "tahap"]


def rows(source, columns=None):
    """The data rows as dicts of the given canonical columns (plus `_row`)."""
    records = source.table.to_pylist()
    columns = columns or list(source.table.column_names)
    return [{c: r[c] for c in [*columns, "_row"] if c in r} for r in records]


# -- CSV dialects ---------------------------------------------------------------------------------
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiters(tmp_path, rules, delimiter):
    text = (
        "\n".join(line.replace(",", delimiter) for line in (HEADER_90, ROW_90, "62,Bappeda,2023,SA,7,6,9,9,13,9,17,5,16")) + "\n"
    )
    source = read_source(write_csv(tmp_path, "d.csv", text), rules)
    assert source.kind == "rekap"
    assert source.dialect == {"format": "csv", "encoding": "utf-8", "delimiter": delimiter, "header_row": 1}
    assert rows(source, [*KEYS, "mp", "ipkp"]) == [
        {"provinsi": "62", "unit_kerja": "Inspektorat", "tahun": "2023", "tahap": "TPI", "mp": "6", "ipkp": "15", "_row": 2},
        {"provinsi": "62", "unit_kerja": "Bappeda", "tahun": "2023", "tahap": "SA", "mp": "7", "ipkp": "16", "_row": 3},
    ]


def test_decimal_comma_semicolon(tmp_path, rules, db):
    text = f"{HEADER_90.replace(',', ';')}\n62;Inspektorat;2023;TPI;6,25;5;8;8;12,5;8;15,75;4;14,5\n"
    path = write_csv(tmp_path, "koma.csv", text)
    source = read_source(path, rules)
    assert source.dialect["delimiter"] == ";"
    assert rows(source, ["mp", "pw", "ipak", "ipkp"]) == [
        {"mp": "6,25", "pw": "12,5", "ipak": "15,75", "ipkp": "14,5", "_row": 2}
    ]
    code, out = load(path, db)
    assert code == 0, out
    # 6.25 + 5 + 8 + 8 + 12.5 + 8 = 47.75; 15.75 + 4 + 14.5 = 34.25
    assert query(db, "SELECT mp, pw, ipak, ipkp, pengungkit, hasil FROM scores") == [(6.25, 12.5, 15.75, 14.5, 47.75, 34.25)]


def test_decimal_comma_in_quoted_fields_of_a_comma_file(tmp_path, rules, db):
    path = write_csv(tmp_path, "kutip.csv", f'{HEADER_90}\n62,Inspektorat,2023,TPI,"6,5",5,8,8,12,8,16,4,"14,25"\n')
    assert rows(read_source(path, rules), ["mp", "ipkp"]) == [{"mp": "6,5", "ipkp": "14,25", "_row": 2}]
    assert load(path, db)[0] == 0
    assert query(db, "SELECT mp, ipkp FROM scores") == [(6.5, 14.25)]


UNIT = "Dinas Pariwisata – Seni é"


@pytest.mark.parametrize(
    "encoding, written, recorded",
    [
        ("utf-8", "utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig", "utf-8-sig"),
        ("cp1252", "cp1252", "cp1252"),
    ],
)
def test_csv_encodings(tmp_path, rules, encoding, written, recorded):
    text = f"{HEADER_90}\n62,{UNIT},2023,TPI,6,5,8,8,12,8,16,4,15\n"
    path = write_csv(tmp_path, "enc.csv", text, encoding=written, newline="\r\n")
    source = read_source(path, rules)
    assert source.dialect["encoding"] == recorded
    assert rows(source, ["provinsi", "unit_kerja", "ipkp"]) == [{"provinsi": "62", "unit_kerja": UNIT, "ipkp": "15", "_row": 2}]
    assert source.headers["provinsi"] == "provinsi"  # no BOM glued to the first header


def test_cp1252_loads_unit_name_intact(tmp_path, db):
    path = write_csv(tmp_path, "win.csv", f"{HEADER_90}\n62,{UNIT},2023,TPI,6,5,8,8,12,8,16,4,15\n", encoding="cp1252")
    assert load(path, db)[0] == 0
    assert query(db, "SELECT unit FROM scores") == [(UNIT,)]


def test_utf16_tab_delimited_as_excel_unicode_text(tmp_path, rules):
    text = "\n".join(line.replace(",", "\t") for line in (HEADER_90, f"62,{UNIT},2023,TPI,6,5,8,8,12,8,16,4,15")) + "\n"
    path = write_csv(tmp_path, "unicode.txt", text, encoding="utf-16", newline="\r\n")
    assert path.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    source = read_source(path, rules)
    assert source.dialect == {"format": "csv", "encoding": "utf-16", "delimiter": "\t", "header_row": 1}
    assert rows(source, ["unit_kerja", "tahap", "ipkp"]) == [{"unit_kerja": UNIT, "tahap": "TPI", "ipkp": "15", "_row": 2}]


def test_quoted_line_breaks_count_one_row_per_record(tmp_path, rules):
    text = (
        f"{HEADER_90},catatan\n"
        f'{ROW_90},"baris satu\nbaris dua\nbaris tiga"\n'  # record = row 2, spans 3 lines
        "62,Bappeda,2023,TPI,6,5,8,8,12,8,16,4,15,biasa\n"  # row 3
        '62,"Dinas\nKesehatan",2023,TPI,6,5,8,8,12,8,16,4,15,\n'  # row 4, spans 2 lines
        "62,Biro Umum,2023,TPI,6,5,8,8,12,8,16,4,15,\n"  # row 5
    )
    source = read_source(write_csv(tmp_path, "q.csv", text), rules)
    assert rows(source, ["unit_kerja", "catatan"]) == [
        {"unit_kerja": "Inspektorat", "catatan": "baris satu\nbaris dua\nbaris tiga", "_row": 2},
        {"unit_kerja": "Bappeda", "catatan": "biasa", "_row": 3},
        {"unit_kerja": "Dinas\nKesehatan", "catatan": "", "_row": 4},
        {"unit_kerja": "Biro Umum", "catatan": "", "_row": 5},
    ]


def test_quoted_line_break_then_error_names_spreadsheet_row(tmp_path, db):
    text = f'{HEADER_90},catatan\n{ROW_90},"dua\nbaris"\n62,Bappeda,2023,XYZ,6,5,8,8,12,8,16,4,15,\n'
    code, out = load(write_csv(tmp_path, "q.csv", text), db)
    assert code == 1
    assert "q.csv, baris 3, kolom 'tahap', nilai 'XYZ': tahap tidak dikenal" in out


def test_blank_rows_skipped_but_counted(tmp_path, rules):
    text = (
        f"{HEADER_90}\n{ROW_90}\n\n\n62,Bappeda,2023,TPI,6,5,8,8,12,8,16,4,15\n\n62,Biro Umum,2023,TPI,6,5,8,8,12,8,16,4,15\n\n"
    )
    source = read_source(write_csv(tmp_path, "b.csv", text), rules)
    assert rows(source, ["unit_kerja"]) == [
        {"unit_kerja": "Inspektorat", "_row": 2},
        {"unit_kerja": "Bappeda", "_row": 5},
        {"unit_kerja": "Biro Umum", "_row": 7},
    ]


def test_rows_of_empty_cells_only_are_skipped_too(tmp_path, db):
    # Excel saves a visually blank row as ",,,,": it is no data row (not a row of 'wajib diisi' errors)
    text = f"{HEADER_90}\n{ROW_90}\n,,,,,,,,,,,,\n62,Bappeda,2023,TPI,6,5,8,8,12,8,16,4,15\n"
    code, out = load(write_csv(tmp_path, "kosong.csv", text), db)
    assert code == 0, out
    assert query(db, "SELECT count(*) FROM scores") == [(2,)]


def test_csv_title_rows_above_header(tmp_path, rules):
    text = (
        "REKAPITULASI PENILAIAN ZONA INTEGRITAS\n"
        "Inspektorat Provinsi Kalimantan Tengah,,,\n"
        "\n"
        f"{HEADER_90}\n{ROW_90}\n62,Bappeda,2023,TPI,6,5,8,8,12,8,16,4,15\n"
    )
    source = read_source(write_csv(tmp_path, "judul.csv", text), rules)
    assert source.dialect["header_row"] == 4
    assert rows(source, ["unit_kerja"]) == [{"unit_kerja": "Inspektorat", "_row": 5}, {"unit_kerja": "Bappeda", "_row": 6}]


def test_csv_title_rows_error_row_number(tmp_path, db):
    text = f"Rekap ZI\n\n{HEADER_90}\n{ROW_90}\n62,Bappeda,2023,TPI,6,5,8,x,12,8,16,4,15\n"
    code, out = load(write_csv(tmp_path, "judul.csv", text), db)
    assert code == 1
    assert "judul.csv, baris 5, kolom 'ak', nilai 'x': bukan angka" in out


# -- XLSX -----------------------------------------------------------------------------------------
HEADER_CELLS = HEADER_90.split(",")
ROW_CELLS = [62, "Inspektorat", 2023, "TPI", 6, 5, 8, 8, 12, 8, 16, 4, 15]


def write_xlsx(path, sheets: dict[str, list[list]]):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, data in sheets.items():
        sheet = book.create_sheet(title)
        for record in data:
            sheet.append(record)
    book.save(path)
    return path


@pytest.mark.parametrize("name", ["Rekap", "REKAP", " rekap "])
def test_xlsx_rekap_sheet_chosen_over_first(tmp_path, rules, name):
    path = write_xlsx(
        tmp_path / "buku.xlsx",
        {
            "Petunjuk": [["Isi sheet Rekap"], HEADER_CELLS, [62, "Salah Sheet", 2023, "TPI", 1, 1, 1, 1, 1, 1, 1, 1, 1]],
            name: [HEADER_CELLS, ROW_CELLS],
        },
    )
    source = read_source(path, rules)
    assert source.dialect == {"format": "xlsx", "sheet": name, "header_row": 1}
    assert rows(source, ["provinsi", "unit_kerja", "tahun", "mp"]) == [
        {"provinsi": "62", "unit_kerja": "Inspektorat", "tahun": "2023", "mp": "6", "_row": 2}
    ]


def test_xlsx_first_sheet_when_no_rekap(tmp_path, rules):
    path = write_xlsx(
        tmp_path / "buku.xlsx",
        {
            "Data 2023": [HEADER_CELLS, ROW_CELLS],
            "Lain": [HEADER_CELLS, [62, "Salah Sheet", 2023, "TPI", 1, 1, 1, 1, 1, 1, 1, 1, 1]],
        },
    )
    source = read_source(path, rules)
    assert source.sheet == "Data 2023"
    assert rows(source, ["unit_kerja"]) == [{"unit_kerja": "Inspektorat", "_row": 2}]


def test_xlsx_title_rows_and_sheet_row_numbers(tmp_path, rules, db):
    path = write_xlsx(
        tmp_path / "judul.xlsx",
        {
            "Rekap": [
                ["REKAPITULASI PENILAIAN ZI"],
                ["Tahun 2023"],
                [],
                HEADER_CELLS,
                ROW_CELLS,
                [],
                [62, "Bappeda", 2023, "TPI", 6.5, 5, 8, 8, 12, 8, 16, 4, 15],
            ]
        },
    )
    source = read_source(path, rules)
    assert source.dialect["header_row"] == 4
    assert rows(source, ["unit_kerja", "mp"]) == [
        {"unit_kerja": "Inspektorat", "mp": "6", "_row": 5},
        {"unit_kerja": "Bappeda", "mp": "6.5", "_row": 7},
    ]
    code, out = load(path, db)
    assert code == 0, out
    assert query(
        db, "SELECT s.unit, s.mp, p.source_row FROM scores s JOIN provenance p USING (unit_id, year, stage) ORDER BY 3"
    ) == [("Inspektorat", 6.0, 5), ("Bappeda", 6.5, 7)]


def test_xlsx_error_names_sheet_and_sheet_row(tmp_path, db):
    path = write_xlsx(
        tmp_path / "salah.xlsx", {"Rekap": [["judul"], HEADER_CELLS, [62, "Bappeda", 2023, "TPX", 6, 5, 8, 8, 12, 8, 16, 4, 15]]}
    )
    code, out = load(path, db)
    assert code == 1
    assert "salah.xlsx, sheet 'Rekap', baris 3, kolom 'tahap', nilai 'TPX': tahap tidak dikenal" in out


def test_xlsx_formula_read_from_cached_value(tmp_path, rules, db):
    path = tmp_path / "rumus.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Rekap")
    sheet.write_row(0, 0, HEADER_CELLS)
    sheet.write_row(1, 0, ROW_CELLS)
    sheet.write_formula(1, 5, "=2+3", None, 5)  # tt: cached 5
    sheet.write_formula(1, 9, "=4*2+0.5", None, 8.5)  # pp: cached 8.5
    book.close()
    source = read_source(path, rules)
    assert rows(source, ["tt", "pp"]) == [{"tt": "5", "pp": "8.5", "_row": 2}]
    assert not source.problems
    assert load(path, db)[0] == 0
    assert query(db, "SELECT tt, pp, pengungkit FROM scores") == [(5.0, 8.5, 47.5)]  # 6+5+8+8+12+8.5


def test_xlsx_formula_without_cached_value_refused(tmp_path, db):
    path = tmp_path / "rumus.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Rekap"
    sheet.append(HEADER_CELLS)
    sheet.append(ROW_CELLS)
    sheet["F2"] = "=2+3"  # openpyxl stores no cached result
    book.save(path)
    code, out = load(path, db)
    assert code == 1
    assert "rumus.xlsx, sheet 'Rekap', baris 2, kolom 'tt', nilai '=2+3': rumus tanpa nilai tersimpan" in out
    assert not db.exists()


def test_xlsx_row_limit_refused(tmp_path):
    from etl.load import run
    from zi.domain.rules import RULES_PATH, load_rules

    text = RULES_PATH.read_text(encoding="utf-8").replace("xlsx_max_rows = 250000", "xlsx_max_rows = 5")
    (tmp_path / "rules.toml").write_text(text, encoding="utf-8")
    shutil.copy(RULES_PATH.parent / "lke_questions.csv", tmp_path)  # the rules' question bank sits beside them
    small = load_rules(tmp_path / "rules.toml")
    path = write_xlsx(
        tmp_path / "panjang.xlsx", {"Rekap": [HEADER_CELLS] + [[62, f"Unit {i}", *ROW_CELLS[2:]] for i in range(8)]}
    )
    report = run([(path, "panjang.xlsx")], tmp_path / "zi.duckdb", write=True, rules=small)
    assert [str(p) for p in report.problems] == ["panjang.xlsx, sheet 'Rekap': lebih dari 5 baris (batas di data/rules.toml)"]
    assert not (tmp_path / "zi.duckdb").exists()


def _zip_bomb(path, member: str, megabytes: int):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open(member, "w") as out:
            chunk = b"0" * (1 << 20)
            for _ in range(megabytes):
                out.write(chunk)
    return path


@pytest.mark.parametrize(
    "megabytes, said",
    [
        (5, "rasio pemampatan melebihi batas 200x"),  # 5 MB of zeros -> a few KB: ratio ~1000
        (101, "XLSX akan mengembang melebihi batas 100 MB"),  # past xlsx_max_uncompressed_mb
    ],
)
def test_xlsx_zip_bomb_refused_before_parsing(tmp_path, rules, monkeypatch, megabytes, said):
    path = _zip_bomb(tmp_path / "bom.xlsx", "xl/worksheets/sheet1.xml", megabytes)
    assert path.stat().st_size < 200_000

    def parse(*args, **kwargs):
        raise AssertionError("the XML parser was reached")

    monkeypatch.setattr(openpyxl, "load_workbook", parse)
    with pytest.raises(FileRefused) as refused:
        read_source(path, rules)
    assert refused.value.problem.file == "bom.xlsx"
    assert said in refused.value.problem.reason


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",  # an image
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200),  # a legacy .xls
        b"PK\x03\x04" + bytes(100),  # a damaged zip
    ],
)
def test_binary_renamed_csv_refused(tmp_path, rules, content, db):
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    with pytest.raises(FileRefused) as refused:
        read_source(path, rules)
    assert refused.value.problem.file == "data.csv"
    code, out = load(path, db)
    assert code == 1
    assert out.splitlines()[0].startswith("data.csv: ")
    assert "Traceback" not in out


def test_zip_that_is_not_a_workbook_refused(tmp_path, rules):
    path = tmp_path / "arsip.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("foto.txt", "bukan buku kerja")
    with pytest.raises(FileRefused, match="bukan buku kerja Excel"):
        read_source(path, rules)


def test_xlsx_name_but_csv_content_read_as_csv(tmp_path, rules, db):
    path = write_csv(tmp_path, "sebenarnya.xlsx", f"{HEADER_90.replace(',', ';')}\n{ROW_90.replace(',', ';')}\n")
    source = read_source(path, rules)
    assert source.dialect["format"] == "csv"
    assert source.dialect["delimiter"] == ";"
    assert load(path, db)[0] == 0
    assert query(db, "SELECT unit, total FROM scores") == [("Inspektorat", 82.0)]


def test_csv_name_but_xlsx_content_read_as_xlsx(tmp_path, rules):
    path = write_xlsx(tmp_path / "tmp.xlsx", {"Rekap": [HEADER_CELLS, ROW_CELLS]})
    renamed = path.rename(tmp_path / "rekap.csv")
    assert read_source(renamed, rules).dialect["format"] == "xlsx"


# -- headers --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "written, canonical",
    [
        ("Unit Kerja", "unit_kerja"),
        ("Perangkat Daerah", "unit_kerja"),
        ("Satuan Kerja", "unit_kerja"),
        ("Tahap Penilaian", "tahap"),
        ("Penilai", "tahap"),
        ("Manajemen Perubahan", "mp"),
        ("Penataan Tatalaksana", "tt"),
        ("Penataan Sistem Manajemen SDM Aparatur", "sdm"),
        ("Penataan SDM", "sdm"),
        ("Penguatan Akuntabilitas Kinerja", "ak"),
        ("Penguatan Akuntabilitas", "ak"),
        ("Penguatan Pengawasan", "pw"),
        ("Peningkatan Kualitas Pelayanan Publik", "pp"),
        ("Indeks Persepsi Anti Korupsi", "ipak"),
        ("Capaian Kinerja", "ck"),
        ("Indeks Persepsi Kualitas Pelayanan", "ipkp"),
        ("  PROVINSI ", "provinsi"),
        ("Tahun", "tahun"),
        ("MP.Pemenuhan", "mp_pemenuhan"),
        ("mp-reform", "mp_reform"),
        ("IPAK Indeks", "ipak_indeks"),
        ("Hasil Bersih", "hasil_bersih"),
    ],
)
def test_header_aliases(tmp_path, rules, written, canonical):
    header = ["provinsi", "unit_kerja", "tahun", "tahap"]
    position = header.index(canonical) if canonical in header else None
    if position is None:
        header.append(written)
    else:
        header[position] = written
    text = ",".join(header) + "\n" + ",".join(["62", "Inspektorat", "2023", "TPI", "7"][: len(header)]) + "\n"
    source = read_source(write_csv(tmp_path, "alias.csv", text), rules)
    assert source.headers[canonical] == written
    assert canonical in source.table.column_names
    assert not [p for p in source.problems if p.warning]


def test_all_aliases_in_one_file_load(tmp_path, db):
    text = (
        "Provinsi,Perangkat Daerah,Tahun,Tahap Penilaian,Manajemen Perubahan,Penataan Tatalaksana,Penataan SDM,"
        "Penguatan Akuntabilitas,Penguatan Pengawasan,Peningkatan Kualitas Pelayanan Publik,"
        "Indeks Persepsi Anti Korupsi,Capaian Kinerja,Indeks Persepsi Kualitas Pelayanan\n"
        "Kalteng,Inspektorat,2023,TPI,6,5,8,8,12,8,16,4,15\n"
    )
    code, out = load(write_csv(tmp_path, "alias.csv", text), db)
    assert code == 0, out
    assert query(db, "SELECT province_code, unit, mp, tt, sdm, ak, pw, pp, ipak, ck, ipkp FROM scores") == [
        (62, "Inspektorat", 6, 5, 8, 8, 12, 8, 16, 4, 15)
    ]


def test_unknown_header_is_a_warning_not_silence(tmp_path, rules, db):
    path = write_csv(tmp_path, "lain.csv", f"{HEADER_90},Nilai Tambahan\n{ROW_90},3\n")
    source = read_source(path, rules)
    warnings = [p for p in source.problems if p.warning]
    assert [(p.file, p.row, p.column) for p in warnings] == [("lain.csv", 1, "Nilai Tambahan")]
    code, out = load(path, db)
    assert code == 0, out
    assert "PERINGATAN: lain.csv, baris 1, kolom 'Nilai Tambahan': judul kolom tidak dikenal; kolom diabaikan" in out


def test_data_under_an_empty_header_is_a_warning(tmp_path, rules):
    source = read_source(write_csv(tmp_path, "tanpa.csv", f"{HEADER_90},\n{ROW_90},lupa\n"), rules)
    assert [(p.row, p.column, p.reason) for p in source.problems] == [
        (1, "kolom ke-14", "kolom berisi data tanpa judul; diabaikan")
    ]
    assert all(p.warning for p in source.problems)
