"""Command line of the ETL: `python -m etl load|check|rollback|generate|export` (see the data contract).

Exit status: 0 done; 1 input refused (report printed, database unchanged); 2 wrong usage or a path
that does not exist. Messages are in Bahasa Indonesia; a Python traceback is never the answer to a
bad file. With `--json`, the report is one JSON object on standard output instead (etl.report),
for the dashboard, which runs the ETL as a child process and never writes the warehouse itself.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow

from etl import report as json_report
from etl.check.lke import Identity
from etl.load import SAMPLE_MANIFEST, LoadReport, expand_paths, run
from etl.write.warehouse import default_db_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description="ETL penilaian Zona Integritas ke DuckDB")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("load", "muat file ke gudang data (satu transaksi)"),
        ("check", "periksa file saja; tidak ada yang ditulis"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="file CSV/XLSX atau folder")
        command.add_argument("--db", type=Path, default=None, help="file DuckDB (bawaan: $ZI_DB atau data/zi.duckdb)")
        _machine_options(command)
        # The dashboard reads an upload from a path it generated; the user's own file name is only
        # ever a label (it may be anything, and is never opened as a path).
        command.add_argument(
            "--name",
            action="append",
            default=[],
            metavar="PATH=NAMA",
            help="nama file yang ditampilkan untuk PATH (boleh diulang)",
        )
        # One LKE workbook or PortalRB JSON without a manifest (lke_daftar.csv): who it is about.
        unit = command.add_argument_group("identitas satu berkas LKE (tanpa lke_daftar.csv)")
        for option, text in (
            ("--provinsi", "kode, nama, atau singkatan provinsi"),
            ("--instansi", "mis. Pemprov Kalimantan Tengah"),
            ("--unit-kerja", "nama unit kerja"),
            ("--tahun", "tahun penilaian"),
            ("--jenis-unit", "mis. Dinas"),
        ):
            unit.add_argument(option, default=None, help=text)
    rollback = commands.add_parser("rollback", help="kembalikan gudang data ke versi setelah muatan tertentu")
    rollback.add_argument("version", type=int, metavar="MUATAN", help="nomor muatan yang versinya disimpan di versions/")
    rollback.add_argument("--db", type=Path, default=None, help="file DuckDB (bawaan: $ZI_DB atau data/zi.duckdb)")
    _machine_options(rollback)
    generate = commands.add_parser("generate", help="buat data contoh yang deterministik")
    generate.add_argument("--out", type=Path, required=True)
    generate.add_argument("--scale", choices=("demo", "national", "lke"), default="demo")
    generate.add_argument("--units", type=int, default=20_000, help="skala lke: banyaknya buku kerja LKE")
    generate.add_argument("--seed", type=int, default=2024)
    export = commands.add_parser("export", help="tulis gudang data sebagai dataset Parquet (per provinsi dan tahun)")
    export.add_argument("--db", type=Path, default=None, help="file DuckDB (bawaan: $ZI_DB atau data/zi.duckdb)")
    export.add_argument("--out", type=Path, required=True, metavar="FOLDER", help="folder dataset (diganti secara atomik)")
    args = parser.parse_args(argv)
    # pyarrow's default allocator (mimalloc) makes a fresh process pay in the kernel for the first
    # pages it touches: reading the national files took 0.1-0.3 s longer than with the C library's
    # allocator. One command is one short process, so the latter's fragmentation does not matter.
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())

    if args.command == "generate":
        return _generate(args.out, args.scale, args.seed, args.units)
    db = args.db if getattr(args, "db", None) else default_db_path()
    if args.command == "export":
        return _export(db, args.out)
    if args.command == "rollback":
        return _rollback(db, args.version, args.by, args.json)
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        return _usage([f"{path}: file atau folder tidak ditemukan" for path in missing], args.json)
    files, skipped = expand_paths(args.paths)
    if not files:
        return _usage(["tidak ada file CSV/XLSX untuk dimuat"], args.json)
    if any("=" not in n for n in args.name):
        parser.error("--name harus berbentuk PATH=NAMA")
    shown = {Path(path): name for path, name in (n.split("=", 1) for n in args.name)}  # a generated PATH has no '='
    with _progress() as progress:
        report = run(
            [(f, shown.get(f, f.name)) for f in files],
            db,
            write=args.command == "load",
            progress=progress,
            loaded_by=args.by,
            identity=_identity(args),
        )
    report.warnings[:0] = skipped
    if args.json:
        print(json_report.dumps(json_report.load_dict(report, args.command, db)))
    else:
        _print_report(report, args.command, db)
    return 1 if report.refused else 0


def _identity(args: argparse.Namespace) -> Identity | None:
    given = {k: getattr(args, k) for k in ("provinsi", "instansi", "unit_kerja", "tahun", "jenis_unit")}
    return Identity(**given) if any(v is not None for v in given.values()) else None


def _machine_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--json", action="store_true", help="laporan sebagai JSON (untuk dasbor)")
    command.add_argument("--by", default=None, metavar="NAMA", help="dicatat sebagai pemuat (bawaan: pengguna sistem)")


def _usage(messages: list[str], as_json: bool) -> int:
    if as_json:
        print(json_report.dumps({"status": "usage", "exit": 2, "messages": messages}))
    for message in messages:
        print(message, file=sys.stderr)
    return 2


def _rollback(db: Path, version: int, by: str | None, as_json: bool) -> int:
    from etl.write.rollback import VersionMissing, rollback, versions_text

    try:
        report = rollback(db, version, loaded_by=by)
    except VersionMissing:
        return _usage([f"versi setelah muatan #{version} tidak disimpan; versi yang ada: {versions_text(db)}"], as_json)
    if as_json:
        print(json_report.dumps(json_report.rollback_dict(report, db)))
    elif report.refused:
        print("\n".join(report.problems) + "\nDITOLAK: gudang data tidak diubah.")
    elif report.written:
        print(
            f"SELESAI: muatan #{report.load_id} ({report.note}) ke {db}. "
            f"Dikembalikan: {_per_table(report.restored)}; dikeluarkan ke riwayat: {_per_table(report.taken_out)}."
        )
    else:
        print(f"TIDAK ADA PERUBAHAN: isi gudang data {db} sudah sama dengan versi setelah muatan #{version}.")
    return 1 if report.refused else 0


def _per_table(counts: dict[str, int]) -> str:
    return ", ".join(f"{table} {n}" for table, n in counts.items() if n) or "–"


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None]]:
    """The load's steps (file read, check, save) as a progress bar on a terminal, drawn by rich and
    cleared when done; nothing where standard error is not a terminal (a pipe, a log, the dashboard's
    child process, a test)."""
    if not sys.stderr.isatty():
        yield lambda step, done, total: None
        return
    from rich.console import Console  # only a terminal needs it: not imported for --json or a pipe
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("{task.description}"))
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("membaca", total=None)
        yield lambda step, done, total: bar.update(task, description=step[:60], completed=done, total=total)


def _print_report(report: LoadReport, command: str, db: Path) -> None:
    for file in report.files:
        dialect = ", ".join(f"{k}={v!r}" for k, v in file.dialect.items())
        print(f"{file.name}: {file.rows} baris ({file.kind}; {dialect})")
    for warning in report.warnings:
        print(warning)
    if report.refused:
        for problem in report.problems:
            print(problem)
        print(f"\nDITOLAK: {len(report.problems)} masalah. Gudang data tidak diubah.")
        return
    summary = (
        f"rekap: {report.rekap_added} baru, {report.rekap_replaced} diganti, {report.rekap_unchanged} sama; "
        f"rincian: {report.rincian_added} baru, {report.rincian_replaced} diganti, {report.rincian_unchanged} sama; "
        f"praktik baik: {report.practices_added} baru"
    )
    if report.lke_added + report.lke_replaced + report.lke_unchanged + report.lke_removed:
        summary += f"; jawaban LKE: {report.lke_added} baru, {report.lke_replaced} diganti, {report.lke_unchanged} sama" + (
            f", {report.lke_removed} dikeluarkan" if report.lke_removed else ""
        )
    if report.usulan_added + report.usulan_replaced + report.usulan_unchanged + report.usulan_removed:
        summary += (
            f"; usulan PortalRB: {report.usulan_added} baru, {report.usulan_replaced} diganti, "
            f"{report.usulan_unchanged} sama, {report.usulan_removed} ditarik"
        )
    if report.ids_added:
        summary += f"; id unit baru: {report.ids_added}"
    if command == "check":
        print(f"\nLOLOS PEMERIKSAAN: {summary}. Tidak ada yang ditulis.")
    elif report.written:
        print(f"\nSELESAI: muatan #{report.load_id} ke {db} dalam {report.seconds:.1f} detik. {summary}.")
    else:
        print(f"\nTIDAK ADA PERUBAHAN: semua baris sama dengan isi gudang data {db}. Tidak ada yang ditulis.")


def _export(db: Path, out: Path) -> int:
    from etl.write.export import ExportError, UsageError, export

    try:
        report = export(db, out)
    except UsageError as error:
        return _usage([str(error)], False)
    except ExportError as error:
        print(f"DITOLAK: {error}", file=sys.stderr)
        return 1
    rows = sum(report.relations.values())
    print(
        f"SELESAI: {len(report.relations)} relasi, {rows} baris, {report.files} file Parquet "
        f"({report.bytes / 1e6:.1f} MB) ke {out} -> {report.snapshot.name} dalam {report.seconds:.1f} detik."
    )
    return 0


def _generate(out: Path, scale: str, seed: int, units: int) -> int:
    from etl.sample.generate import generate

    paths = generate(out, scale=scale, seed=seed, count=units)
    manifest = out / SAMPLE_MANIFEST.name
    manifest.write_text(
        "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(out).as_posix()}\n" for p in sorted(paths)),
        encoding="utf-8",
    )
    print(f"{len(paths)} file contoh ditulis ke {out} (seed {seed}, skala {scale})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
