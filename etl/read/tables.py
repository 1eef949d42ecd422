"""Read one input file, CSV or XLSX in any dialect the data contract promises, into an all-text table.

The file type is decided by content, not by name. What was detected (encoding, delimiter, sheet,
header row) is recorded in `Source.dialect` and ends up in the load ledger. Values stay text here;
`validate` parses them in DuckDB, so a bad cell is reported as written.

Each data row keeps `_row`, the row number a spreadsheet shows: in a CSV the header record is row 1
and every record (blank ones and those with quoted line breaks included) is one row; in an XLSX it is
the sheet's own row number.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from etl.problems import FileRefused, Problem
from etl.read.source import Source
from etl.read.vocabulary import (
    KEY_COLUMNS,
    LONG_COLUMNS,
    MANIFEST_KEY_COLUMNS,
    PRACTICE_KEY_COLUMNS,
    PROPOSAL_KEY_COLUMNS,
    header_map,
    normalise_header,
)
from zi.domain.rules import Rules

DELIMITERS = (",", ";", "\t")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
PROPOSAL_ONLY_COLUMNS = ("kategori", "afirmasi", "unit_id")


# -- CSV ------------------------------------------------------------------------------------------
def _decode(data: bytes, name: str) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:4096]:
        raise FileRefused(Problem(name, None, None, None, "bukan file CSV teks (berisi data biner) dan bukan XLSX"))
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise FileRefused(Problem(name, None, None, None, "pengodean teks tidak dikenali (gunakan UTF-8 atau Windows-1252)"))


def read_csv_table(data: bytes, name: str, sha256: str, rules: Rules) -> Source:
    text, encoding = _decode(data, name)
    if not text.strip():
        raise FileRefused(Problem(name, None, None, None, "file kosong, tidak ada baris data"))
    delimiter, header_index, header, lines_through_header = _find_csv_header(text, name, rules)
    body = _body_bytes(data, text, encoding, lines_through_header)
    header_row = header_index + 1
    columns, rows = _parse_csv_body(body, delimiter, len(header))
    row_numbers = header_row + rows
    problems: list[Problem] = []
    return _make_source(
        name,
        sha256,
        header,
        columns,
        row_numbers,
        problems,
        dialect={"format": "csv", "encoding": encoding, "delimiter": delimiter, "header_row": header_row},
        rules=rules,
    )


def _find_csv_header(text: str, name: str, rules: Rules) -> tuple[str, int, list[str], int]:
    """Pick the delimiter under which one of the first records holds the four key columns."""
    limit = int(rules.limits["xlsx_header_search_rows"])
    best: tuple[int, str] = (-1, ",")
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(text[:200_000]), delimiter=delimiter)
        try:
            for index, record in enumerate(reader):
                if index >= limit:
                    break
                found = _key_columns_found(record, rules)
                if found == len(KEY_COLUMNS) or _is_practice_header(record, rules):
                    return delimiter, index, record, reader.line_num
                best = max(best, (found * 100 + len(record), delimiter))
        except csv.Error:
            continue
    raise FileRefused(_missing_key_columns(name, None, rules, text.splitlines()[0].split(best[1]) if text else []))


def _body_bytes(data: bytes, text: str, encoding: str, lines_through_header: int) -> bytes:
    """The records after the header, as UTF-8 for pyarrow. A UTF-8 file's body is cut from its bytes
    (a line break is one byte there), which spares decoding-and-re-encoding the whole body; other
    encodings are re-encoded from the decoded text."""
    if encoding not in ("utf-8", "utf-8-sig"):
        return text.split("\n", lines_through_header)[-1].encode("utf-8") if text.count("\n") >= lines_through_header else b""
    offset = len(codecs.BOM_UTF8) if encoding == "utf-8-sig" else 0
    for _ in range(lines_through_header):
        offset = data.find(b"\n", offset) + 1
        if offset == 0:  # the header is the last line
            return b""
    return data[offset:]


def _parse_csv_body(body: bytes, delimiter: str, width: int) -> tuple[list[pa.Array], np.ndarray]:
    """Data records as text columns, and each record's offset from the header (1 = next row).

    A record is one row even when a quoted cell holds line breaks, so pyarrow's record index is the
    row offset as long as no line is blank (pyarrow skips blank lines, which still count as rows).
    A blank line, a ragged record or a row of empty cells sends the file to the csv module, which
    numbers every record exactly.
    """
    if not body or body.isspace():
        return [pa.array([], pa.string()) for _ in range(width)], np.zeros(0, dtype=np.int64)
    names = [f"c{i}" for i in range(width)]
    ragged = []
    try:
        table = pa_csv.read_csv(
            io.BytesIO(body),
            read_options=pa_csv.ReadOptions(column_names=names, block_size=16 << 20),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=lambda row: ragged.append(row) or "skip"
            ),
            convert_options=pa_csv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=False),
        )
    except pa.ArrowInvalid:
        table = None
    if table is not None and not ragged and not _has_blank_line(body, table.num_rows) and not _has_blank_record(table):
        return table.columns, np.arange(1, table.num_rows + 1, dtype=np.int64)
    return _parse_csv_exact(body.decode("utf-8"), delimiter, width)


def _has_blank_line(body: bytes, records: int) -> bool:
    """An empty line anywhere. Without quotes every line is one record, so comparing counts is enough;
    with quotes, search (a quoted cell holding an empty line is rare; it only costs the exact path)."""
    if b'"' not in body:
        return body.count(b"\n") + (not body.endswith(b"\n")) != records
    return body.startswith((b"\n", b"\r\n")) or b"\n\n" in body or b"\n\r\n" in body


def _has_blank_record(table: pa.Table) -> bool:
    """A record of empty cells only (`,,,,`: how a spreadsheet saves a cleared row). Narrowed column
    by column: in most files no first cell is empty, and one column is all the check costs."""
    for column in table.column_names:
        table = table.filter(pc.equal(pc.utf8_trim_whitespace(table[column]), ""))
        if table.num_rows == 0:
            return False
    return True


def _parse_csv_exact(body: str, delimiter: str, width: int) -> tuple[list[pa.Array], np.ndarray]:
    offsets, records = [], []
    for offset, record in enumerate(csv.reader(io.StringIO(body), delimiter=delimiter), start=1):
        if not any(cell.strip() for cell in record):
            continue  # a blank line or a row of empty cells: still a row of the spreadsheet, but no data
        offsets.append(offset)
        # Short records are padded (trailing empty cells are often dropped by exporters); long
        # ones keep their extra cells in one more column so validation can name them.
        records.append(
            record[:width] + [""] * (width - len(record)) + ([delimiter.join(record[width:])] if len(record) > width else [])
        )
    extra = [r[width] if len(r) > width else "" for r in records]
    columns = [pa.array([r[i] for r in records], pa.string()) for i in range(width)]
    columns.append(pa.array(extra, pa.string()))
    return columns, np.asarray(offsets, dtype=np.int64)


# -- XLSX -----------------------------------------------------------------------------------------
def check_zip(data: bytes, name: str, rules: Rules) -> None:
    """Refuse a zip bomb before any XML is parsed: total size and per-member ratio caps."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except zipfile.BadZipFile:
        raise FileRefused(Problem(name, None, None, None, "bukan file XLSX yang sah (arsip zip rusak)")) from None
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise FileRefused(Problem(name, None, None, None, "arsip zip ini bukan buku kerja Excel (.xlsx)"))
    limit_mb = float(rules.limits["xlsx_max_uncompressed_mb"])
    total = sum(m.file_size for m in members)
    if total > limit_mb * 1024 * 1024:
        raise FileRefused(
            Problem(name, None, None, f"{total / 1024 / 1024:.0f} MB", f"XLSX akan mengembang melebihi batas {limit_mb:.0f} MB")
        )
    max_ratio = float(rules.limits["xlsx_max_ratio"])
    for member in members:
        if member.file_size > 1_000_000 and member.file_size > max_ratio * max(member.compress_size, 1):
            raise FileRefused(
                Problem(
                    name, None, None, member.filename, f"rasio pemampatan melebihi batas {max_ratio:.0f}x (kemungkinan bom zip)"
                )
            )


def read_xlsx_table(data: bytes, name: str, sha256: str, rules: Rules) -> Source:
    import openpyxl  # imported here: a CSV-only load never pays for it

    check_zip(data, name, rules)  # again: the table reader may be called on its own
    try:
        values_book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formula_book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many types for a damaged workbook
        raise FileRefused(Problem(name, None, None, None, f"XLSX tidak dapat dibuka ({type(error).__name__})")) from None
    sheet_name = next((s for s in values_book.sheetnames if s.strip().lower() == "rekap"), values_book.sheetnames[0])
    max_rows = int(rules.limits["xlsx_max_rows"])
    search = int(rules.limits["xlsx_header_search_rows"])
    problems: list[Problem] = []
    header, header_row = None, None
    records, row_numbers = [], []
    value_rows = values_book[sheet_name].iter_rows(values_only=True)
    formula_rows = formula_book[sheet_name].iter_rows(values_only=True)
    for row_number, (values, formulas) in enumerate(zip(value_rows, formula_rows, strict=False), start=1):
        if row_number > max_rows:
            raise FileRefused(
                Problem(name, None, None, None, f"lebih dari {max_rows} baris (batas di data/rules.toml)", sheet=sheet_name)
            )
        if header is None:
            cells = [_cell_text(v) for v in values]
            if _key_columns_found(cells, rules) == len(KEY_COLUMNS) or _is_practice_header(cells, rules):
                header, header_row = cells, row_number
            elif row_number >= search:
                break
            continue
        cells = [_cell_text(v) for v in values]
        for column, (value, formula) in enumerate(zip(values, formulas, strict=False)):
            if value is None and isinstance(formula, str) and formula.startswith("="):
                problems.append(
                    Problem(
                        name,
                        row_number,
                        _header_at(header, column),
                        formula,
                        "rumus tanpa nilai tersimpan; buka dan simpan ulang file di Excel",
                        sheet=sheet_name,
                    )
                )
        if any(cells):
            records.append(cells)
            row_numbers.append(row_number)
    values_book.close()
    formula_book.close()
    if header is None:
        raise FileRefused(_missing_key_columns(name, sheet_name, rules, []))
    width = len(header)
    columns = [pa.array([(r[i] if i < len(r) else "") for r in records], pa.string()) for i in range(width)]
    return _make_source(
        name,
        sha256,
        header,
        columns,
        np.asarray(row_numbers, dtype=np.int64),
        problems,
        dialect={"format": "xlsx", "sheet": sheet_name, "header_row": header_row},
        rules=rules,
        sheet=sheet_name,
    )


def _cell_text(value: object) -> str:
    """A cell as the text a user sees: 62 not 62.0; decimals with a point (never locale-formatted)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _header_at(header: list[str], column: int) -> str:
    return header[column] if column < len(header) and header[column] else f"kolom ke-{column + 1}"


# -- shared -------------------------------------------------------------------------------------
def _key_columns_found(record: list[str], rules: Rules) -> int:
    mapping = header_map(rules)
    found = {mapping.get(normalise_header(cell)) for cell in record}
    return sum(1 for key in KEY_COLUMNS if key in found)


def _is_practice_header(record: list[str], rules: Rules) -> bool:
    """The header of a good-practice file, an LKE manifest or a proposal file (none has the four key columns)."""
    mapping = header_map(rules)
    found = {mapping.get(normalise_header(cell)) for cell in record}
    return any(all(key in found for key in keys) for keys in (PRACTICE_KEY_COLUMNS, MANIFEST_KEY_COLUMNS, PROPOSAL_KEY_COLUMNS))


def _missing_key_columns(name: str, sheet: str | None, rules: Rules, record: list[str]) -> Problem:
    mapping = header_map(rules)
    found = {mapping.get(normalise_header(cell)) for cell in record}
    missing = ", ".join(k for k in KEY_COLUMNS if k not in found)
    rows = int(rules.limits["xlsx_header_search_rows"])
    return Problem(
        name,
        None,
        missing,
        None,
        f"kolom wajib tidak ditemukan di {rows} baris pertama (perlu provinsi, unit_kerja, tahun, tahap)",
        sheet=sheet,
    )


def _make_source(name, sha256, header, columns, row_numbers, problems, dialect, rules, sheet=None) -> Source:
    """Map headers to canonical columns (unknown ones become warnings) and assemble the table."""
    mapping = header_map(rules)
    arrays, names, headers = [], [], dict[str, str]()
    for position, written in enumerate(header):
        canonical = mapping.get(normalise_header(written))
        if canonical is None:
            if written.strip():
                problems.append(
                    Problem(
                        name,
                        dialect["header_row"],
                        written,
                        None,
                        "judul kolom tidak dikenal; kolom diabaikan",
                        sheet=sheet,
                        warning=True,
                    )
                )
            elif _has_text(columns[position]):
                problems.append(
                    Problem(
                        name,
                        dialect["header_row"],
                        f"kolom ke-{position + 1}",
                        None,
                        "kolom berisi data tanpa judul; diabaikan",
                        sheet=sheet,
                        warning=True,
                    )
                )
            continue
        if canonical in headers:
            problems.append(
                Problem(
                    name,
                    dialect["header_row"],
                    written,
                    None,
                    f"kolom ganda: sama artinya dengan '{headers[canonical]}'",
                    sheet=sheet,
                )
            )
            continue
        headers[canonical] = written
        names.append(canonical)
        arrays.append(columns[position])
    if len(columns) > len(header):  # cells beyond the last header (ragged rows)
        names.append("_extra")
        arrays.append(columns[len(header)])
    names.append("_row")
    arrays.append(pa.array(row_numbers, pa.int64()))
    if all(c in headers for c in MANIFEST_KEY_COLUMNS):
        kind = "daftar"
    elif all(c in headers for c in PRACTICE_KEY_COLUMNS):
        kind = "praktik"
    elif all(c in headers for c in PROPOSAL_KEY_COLUMNS) and "tahap" not in headers:
        kind = "usulan"
    else:
        kind = "rincian" if all(c in headers for c in LONG_COLUMNS) else "rekap"
    if kind != "usulan":  # a proposal file's own columns mean nothing in another kind of file
        for column in PROPOSAL_ONLY_COLUMNS:
            if column in headers:
                problems.append(
                    Problem(
                        name,
                        dialect["header_row"],
                        headers[column],
                        None,
                        "kolom ini hanya dipakai di berkas usulan (usulan.csv); diabaikan",
                        sheet=sheet,
                        warning=True,
                    )
                )
    table = pa.Table.from_arrays(arrays, names=names)
    if table.num_rows == 0:
        raise FileRefused(Problem(name, None, None, None, "tidak ada baris data di bawah judul kolom", sheet=sheet))
    return Source(name, sha256, kind, table, headers, dialect, sheet, problems)


def _has_text(column: pa.Array) -> bool:
    return any(v for v in column.to_pylist())
