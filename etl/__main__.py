"""Command line of the ETL: `python -m etl load|check|generate` (see the data contract).

Exit status: 0 done; 1 input refused (report printed, database unchanged); 2 wrong usage or a path
that does not exist. Messages are in Bahasa Indonesia; a Python traceback is never the answer to a
bad file.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from etl.load import SAMPLE_MANIFEST, LoadReport, expand_paths, run
from etl.warehouse import default_db_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description="ETL penilaian Zona Integritas ke DuckDB")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (("load", "muat file ke gudang data (satu transaksi)"), ("check", "periksa file saja; tidak ada yang ditulis")):
        command = commands.add_parser(name, help=text)
        command.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="file CSV/XLSX atau folder")
        if name == "load":
            command.add_argument("--db", type=Path, default=None, help="file DuckDB (bawaan: $ZI_DB atau data/zi.duckdb)")
    generate = commands.add_parser("generate", help="buat data contoh yang deterministik")
    generate.add_argument("--out", type=Path, required=True)
    generate.add_argument("--scale", choices=("demo", "national"), default="demo")
    generate.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args(argv)

    if args.command == "generate":
        return _generate(args.out, args.scale, args.seed)
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        for path in missing:
            print(f"{path}: file atau folder tidak ditemukan", file=sys.stderr)
        return 2
    files, skipped = expand_paths(args.paths)
    if not files:
        print("tidak ada file CSV/XLSX untuk dimuat", file=sys.stderr)
        return 2
    db = args.db if getattr(args, "db", None) else default_db_path()
    report = run([(f, f.name) for f in files], db, write=args.command == "load", progress=_progress)
    report.warnings[:0] = skipped
    _print_report(report, args.command, db)
    return 1 if report.refused else 0


def _progress(step: str, done: int, total: int) -> None:
    if not sys.stderr.isatty():
        return
    width = 24
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {step[:50]:<50}")
    sys.stderr.flush()
    if step == "menyimpan" or (done == total and step == "memeriksa"):
        sys.stderr.write("\n")


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
        f"rincian: {report.rincian_added} baru, {report.rincian_replaced} diganti, {report.rincian_unchanged} sama"
    )
    if command == "check":
        print(f"\nLOLOS PEMERIKSAAN: {summary}. Tidak ada yang ditulis.")
    elif report.written:
        print(f"\nSELESAI: muatan #{report.load_id} ke {db} dalam {report.seconds:.1f} detik. {summary}.")
    else:
        print(f"\nTIDAK ADA PERUBAHAN: semua baris sama dengan isi gudang data {db}. Tidak ada yang ditulis.")


def _generate(out: Path, scale: str, seed: int) -> int:
    from etl.generate import generate

    paths = generate(out, scale=scale, seed=seed)
    manifest = out / SAMPLE_MANIFEST.name
    manifest.write_text("".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n" for p in sorted(paths)), encoding="utf-8")
    print(f"{len(paths)} file contoh ditulis ke {out} (seed {seed}, skala {scale})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
