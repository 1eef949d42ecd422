"""A corpus of malformed input files, generated in the test run: every way a spreadsheet goes wrong
that the data desk must refuse cleanly (no crash, a located message, nothing written).

`build(folder)` writes the files and returns one `Case` per file: its path, the name shown in
messages, the fragments its refusal must contain (the file name always; a row where the defect has
one), and whether it goes through the command line or only through the dashboard's upload cap
(oversize files: the command line also loads national-scale files, so the size cap is the desk's).

Kinds: each encoding x each delimiter x content defects (ragged rows, duplicate header rows,
subtotal rows, non-numbers), unsupported delimiters, short rows, merged headers, XLSX expansion
bombs (ratio, total size, forged sizes, entity expansion), binaries renamed .csv/.xlsx, damaged
zips, empty and header-only files, and contract violations of every kind.
"""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

HEADER = ["provinsi", "unit_kerja", "tahun", "tahap", "mp", "tt", "sdm", "ak", "pw", "pp", "ipak", "ck", "ipkp"]
ROW = ["62", "Dinas Pariwisata", "2023", "TPI", "6", "5", "8", "8", "12", "8", "16", "4", "15"]
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "utf-16")
DELIMITERS = {",": "koma", ";": "titikkoma", "\t": "tab"}


@dataclass
class Case:
    path: Path
    expect: list[str] = field(default_factory=list)  # fragments of the refusal, besides the file name
    via: str = "cli"  # "cli": python -m etl load; "desk": the dashboard's upload path (size cap)

    @property
    def name(self) -> str:
        return self.path.name


def _row(unit: str, **changes: str) -> list[str]:
    row = dict(zip(HEADER, ROW, strict=True), unit_kerja=unit)
    row.update(changes)
    return [row[h] for h in HEADER]


def _text(rows: list[list[str]], delimiter: str) -> str:
    return "".join(delimiter.join(r) + "\n" for r in rows)


def _csv(folder: Path, name: str, rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(_text(rows, delimiter).encode(encoding))
    return path


def _xlsx_bytes(rows: list[list[object]], merges: tuple[str, ...] = (), sheet: str = "rekap") -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for cells in merges:
        ws.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rezip(base: bytes, replace: dict[str, bytes | None], extra: dict[str, bytes] | None = None) -> bytes:
    """A copy of the zip `base` with members replaced (None: removed) or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename in replace:
                if replace[item.filename] is not None:
                    target.writestr(item.filename, replace[item.filename])
            else:
                target.writestr(item, source.read(item.filename))
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def _zeros_member(size_mb: int) -> bytes:
    """A sheet that is mostly one repeated character: tiny compressed, huge expanded."""
    head = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    return head + b" " * (size_mb * 1024 * 1024) + b"</sheetData></worksheet>"


def _forged_sizes(base: bytes, claimed: int) -> bytes:
    """The same zip, its central directory claiming each member expands to `claimed` bytes."""
    data = bytearray(base)
    at = data.find(b"PK\x01\x02")
    while at != -1:
        data[at + 24 : at + 28] = claimed.to_bytes(4, "little")  # uncompressed size field
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


def build(folder: Path) -> list[Case]:
    folder.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []
    good = [HEADER, _row("Dinas Pariwisata"), _row("Badan Keuangan")]

    # -- every encoding x every delimiter x content defects (each located at its row) ----------------
    for encoding in ENCODINGS:
        unit = "Dinas Pariwisata é" if encoding != "utf-8" else "Dinas Pariwisata"
        for delimiter, dname in DELIMITERS.items():
            tag = f"{encoding.replace('-', '')}_{dname}"
            base = [HEADER, _row(unit), _row("Badan Keuangan")]
            ragged = [*base, _row("Inspektorat") + ["99", "catatan lepas"]]
            cases.append(Case(_csv(folder, f"ragged_{tag}.csv", ragged, delimiter, encoding), ["baris 4", "lebih banyak sel"]))
            twice = [*base, HEADER, _row("Inspektorat")]
            cases.append(
                Case(_csv(folder, f"judul_ganda_{tag}.csv", twice, delimiter, encoding), ["baris 4", "provinsi tidak dikenal"])
            )
            subtotal = [*base, ["62", "JUMLAH", "", "", "12", "10", "16", "16", "24", "16", "32", "8", "30"]]
            cases.append(
                Case(_csv(folder, f"subtotal_{tag}.csv", subtotal, delimiter, encoding), ["baris 4", "tahun wajib diisi"])
            )
            words = [*base, _row("Inspektorat", mp="delapan")]
            cases.append(Case(_csv(folder, f"bukan_angka_{tag}.csv", words, delimiter, encoding), ["baris 4", "bukan angka"]))
        # a delimiter the contract does not promise: the key columns are never found
        cases.append(Case(_csv(folder, f"pemisah_pipa_{encoding.replace('-', '')}.csv", good, "|", encoding), ["kolom wajib"]))
    for delimiter, dname in DELIMITERS.items():
        short = [HEADER, _row("Dinas Pariwisata"), ["62", "Inspektorat", "2023", "TPI"]]
        cases.append(Case(_csv(folder, f"baris_pendek_{dname}.csv", short, delimiter), ["baris 3", "nilai wajib kosong"]))

    # -- binaries and damaged files under a spreadsheet's name ----------------------------------
    rng = random.Random(20241212)
    valid_xlsx = _xlsx_bytes(good)
    binaries = {
        "acak.csv": bytes(rng.randrange(256) for _ in range(4096)),
        "acak.xlsx": bytes(rng.randrange(256) for _ in range(4096)),
        "gambar_png.csv": b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(2048)),
        "dokumen_pdf.xlsx": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + b"\x00\x01" * 500,
        "program_elf.csv": b"\x7fELF\x02\x01\x01\x00" + bytes(512),
        "arsip_gzip.csv": b"\x1f\x8b\x08\x00" + bytes(rng.randrange(256) for _ in range(1024)),
        "excel_lama.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024),
        "excel_lama.csv": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024),
        "zip_biasa.xlsx": _rezip(
            valid_xlsx,
            dict.fromkeys(zipfile.ZipFile(io.BytesIO(valid_xlsx)).namelist()),
            {"catatan.txt": b"bukan buku kerja"},
        ),
        "xlsx_terpotong.xlsx": valid_xlsx[: len(valid_xlsx) * 6 // 10],
        "xlsx_rusak.csv": valid_xlsx[:200] + bytes(rng.randrange(256) for _ in range(len(valid_xlsx) - 200)),
        "kosong.csv": b"",
        "kosong.xlsx": b"",
        "nul.csv": b"provinsi,unit_kerja\x00,tahun,tahap\n" + bytes(64),
        "utf16_tanpa_bom.csv": _text(good, ",").encode("utf-16-le"),
        "pengodean_rusak.csv": _text(good, ",").encode() + b"62,Dinas \x81\xc3\x28,2023,TPI,6,5,8,8,12,8,16,4,15\n",
        "hanya_bom.csv": b"\xef\xbb\xbf",
        "hanya_spasi.csv": b"  \n\n\t \n",
    }
    for name, data in binaries.items():
        (folder / name).write_bytes(data)
        cases.append(Case(folder / name))
    docx_like = _rezip(valid_xlsx, {"xl/workbook.xml": None}, {"word/document.xml": b"<w:document/>"})
    (folder / "dokumen_word.xlsx").write_bytes(docx_like)
    cases.append(Case(folder / "dokumen_word.xlsx", ["bukan buku kerja"]))

    # -- XLSX expansion bombs: refused before any XML is parsed ---------------------------------
    bombs = {
        "bom_rasio_sheet.xlsx": _rezip(valid_xlsx, {"xl/worksheets/sheet1.xml": _zeros_member(60)}),
        "bom_rasio_strings.xlsx": _rezip(valid_xlsx, {}, {"xl/sharedStrings.xml": _zeros_member(40)}),
        "bom_ukuran_total.xlsx": _rezip(valid_xlsx, {}, {f"xl/media/isi{i}.bin": _zeros_member(1)[:900_000] for i in range(130)}),
        "bom_ukuran_palsu.xlsx": _forged_sizes(valid_xlsx, 3_000_000_000),
        "bom_anggota_banyak.xlsx": _rezip(valid_xlsx, {}, {f"xl/x/{i}.xml": b"<a/>" * 40_000 for i in range(700)}),
    }
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
        + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
        + b'<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )
    bombs["bom_entitas_xml.xlsx"] = _rezip(valid_xlsx, {"xl/worksheets/sheet1.xml": laughs})
    external = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
        b'<c r="A1" t="inlineStr"><is><t>&x;</t></is></c></row></sheetData></worksheet>'
    )
    bombs["entitas_eksternal.xlsx"] = _rezip(valid_xlsx, {"xl/worksheets/sheet1.xml": external})
    bombs["bom_bernama.csv"] = bombs["bom_rasio_sheet.xlsx"]  # type decided by content, not by the name
    for name, data in bombs.items():
        (folder / name).write_bytes(data)
        cases.append(Case(folder / name))

    # -- merged headers and other spreadsheet layouts ---------------------------------------------
    merged = {
        # the merge swallows `unit_kerja` (only the top-left cell of a merge keeps its value)
        "gabung_judul_kunci.xlsx": (_xlsx_bytes(good, merges=("A1:B1",)), ["kolom wajib"]),
        "gabung_tahun_tahap.xlsx": (
            _xlsx_bytes([[*HEADER[:2], "tahun / tahap", None, *HEADER[4:]], *good[1:]], merges=("C1:D1",)),
            ["kolom wajib"],
        ),
        # a two-row header whose second row is merged over the key columns
        "gabung_dua_baris.xlsx": (
            _xlsx_bytes(
                [["Identitas", None, None, None, "Pengungkit"], ["Unit", None, "Periode", None], *good[1:]],
                merges=("A1:D1", "A2:B2", "C2:D2"),
            ),
            ["kolom wajib"],
        ),
        # a province merged down the rows: only the first row carries it
        "gabung_provinsi_turun.xlsx": (
            _xlsx_bytes([HEADER, _row("Dinas Pariwisata"), _row("Badan Keuangan"), _row("Inspektorat")], merges=("A2:A4",)),
            ["baris 3", "provinsi wajib diisi"],
        ),
        "rumus_tanpa_nilai.xlsx": (_xlsx_bytes([HEADER, _row("Dinas Pariwisata", mp="=2+4")]), ["baris 2", "rumus tanpa nilai"]),
        "judul_ganda.xlsx": (_xlsx_bytes([*good, HEADER, _row("Inspektorat")]), ["baris 4", "provinsi tidak dikenal"]),
        "subtotal.xlsx": (
            _xlsx_bytes([*good, ["62", "Jumlah", None, None, 12, 10, 16, 16, 24, 16, 32, 8, 30]]),
            ["baris 4", "tahun wajib"],
        ),
        "judul_terlalu_bawah.xlsx": (_xlsx_bytes([[f"judul {i}"] for i in range(31)] + good), ["kolom wajib"]),
        "hanya_judul.xlsx": (_xlsx_bytes([HEADER]), ["tidak ada baris data"]),
        "sheet_kosong.xlsx": (_xlsx_bytes([]), ["kolom wajib"]),
    }
    for name, (data, expect) in merged.items():
        (folder / name).write_bytes(data)
        cases.append(Case(folder / name, expect))

    # -- contract violations, one per file, each located at its row -------------------------------
    violations = {
        "provinsi_asing.csv": (_row("Inspektorat", provinsi="Atlantis"), "provinsi tidak dikenal"),
        "tahap_asing.csv": (_row("Inspektorat", tahap="TPX"), "tahap tidak dikenal"),
        "tahun_lampau.csv": (_row("Inspektorat", tahun="1999"), "di luar rentang"),
        "tahun_pecahan.csv": (_row("Inspektorat", tahun="2023.5"), "bilangan bulat"),
        "nilai_negatif.csv": (_row("Inspektorat", mp="-1"), "negatif"),
        "nilai_melebihi.csv": (_row("Inspektorat", pw="99"), "melebihi bobot"),
        "nilai_tak_hingga.csv": (_row("Inspektorat", ck="inf"), "bukan angka"),
        "nilai_nan.csv": (_row("Inspektorat", ipkp="NaN"), "bukan angka"),
        "predikat_asing.csv": (_row("Inspektorat") + ["Juara"], "predikat tidak dikenal"),
        "rubrik_asing.csv": (_row("Inspektorat") + ["permen1-1999"], "rubrik tidak dikenal"),
        "unit_kosong.csv": (_row(""), "unit kerja wajib"),
        "formula_injeksi.csv": (_row('=HYPERLINK("http://x")', mp="=1+1"), "bukan angka"),
    }
    for name, (row, reason) in violations.items():
        header = HEADER + (["predikat"] if "predikat" in name else ["rubrik"] if "rubrik" in name else [])
        cases.append(
            Case(
                _csv(folder, name, [header, _row("Dinas Pariwisata") + [""] * (len(header) - len(HEADER)), row]),
                ["baris 3", reason],
            )
        )
    cases.append(
        Case(_csv(folder, "kunci_ganda.csv", [HEADER, _row("Inspektorat"), _row("inspektorat ")]), ["baris 3", "baris ganda"])
    )
    cases.append(Case(_csv(folder, "hanya_judul.csv", [HEADER]), ["tidak ada baris data"]))
    cases.append(Case(_csv(folder, "kolom_wajib_hilang.csv", [HEADER[:3] + HEADER[4:], ROW[:3] + ROW[4:]]), ["kolom wajib"]))
    cases.append(Case(_csv(folder, "judul_terlalu_bawah.csv", [["judul"]] * 31 + good), ["kolom wajib"]))
    half = [HEADER + ["mp_pemenuhan"], _row("Dinas Pariwisata") + [""], ["62", "Inspektorat", "2023", "TPI", "", *ROW[5:], "3"]]
    cases.append(Case(_csv(folder, "paruh_tunggal.csv", half), ["baris 3", "hanya satu paruh"]))
    quote = folder / "kutip_tak_tertutup.csv"
    quote.write_text(_text(good, ",") + '62,"Inspektorat,2023,TPI,6,5,8,8,12,8,16,4,15\n', encoding="utf-8")
    cases.append(Case(quote, ["baris 4"]))
    long_rows = [
        ["provinsi", "unit_kerja", "tahun", "tahap", "indikator", "nilai"],
        ["62", "Dinas Hantu", "2023", "TPI", "MP-P1", "0,5"],
    ]
    cases.append(Case(_csv(folder, "rincian_tanpa_rekap.csv", long_rows), ["baris 2", "belum ada di rekap"]))
    unknown_code = [long_rows[0], ["62", "Inspektorat", "2023", "TPI", "MP-P99", "0,5"]]
    cases.append(Case(_csv(folder, "rincian_kode_asing.csv", unknown_code), ["baris 2", "kode sub-area tidak dikenal"]))

    # -- oversize: refused by the dashboard's upload cap before anything is written -------------
    for name, size_mb in (("terlalu_besar.csv", 51), ("terlalu_besar.xlsx", 64)):
        path = folder / name
        path.write_bytes((_text(good, ",") * (size_mb * 1024 * 1024 // len(_text(good, ",")) + 1)).encode())
        cases.append(Case(path, ["melebihi batas unggah"], via="desk"))
    return cases
