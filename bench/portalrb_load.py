"""Load test of the PortalRB API: many PortalRB clients at once against a real uvicorn server on loopback.

    python bench/portalrb_load.py [--db WAREHOUSE] [--clients 50] [--requests 200] [--cap 900]

One `python -m zi.portalrb` on a free loopback port serves a copy of the warehouse (--db, default: the bundled
sample with three Jawa Barat 2025 proposals, built by the ETL). --clients threads each keep one HTTP/1.1
connection open (as a puller does) with a token of its own and make --requests requests: one in ten
`/pengusulan/unit-wbk`, one in ten `/pengusulan/unit-wbbm`, the rest `/lke/jawaban-unit/{id}` of a proposed
unit (127 answers each). An error is a status other than 200, a body that is not the expected JSON, or a
failed connection. The per-token limit is raised for these phases (each client makes its requests as fast
as it can; the point is the server, not the limiter).

What the API read from one warehouse version is kept for that version (zi.portalrb.app.Snapshot), so the
first request for each list and unit is timed on its own, one at a time: that is the cost of reading the
warehouse. The phases, each with the same clients:
- the baseline, `/sehat`, which touches neither a token nor the warehouse, so the ratio says what
  authentication, the queries and the JSON cost on top of HTTP and the event loop;
- the API from memory, as PortalRB's repeated pulls between two loads are served;
- the same requests against a server started with `--cache 0`, where every request runs its queries (the
  worst case: as if none had been asked before);
- the limiter: one token at the limits of data/rules.toml sends its burst and ten more, back to back; ten
  less what the bucket refilled meanwhile must be refused with 429 (the expected count is printed beside it).

Reported: requests, seconds, requests/s, p50/p95/p99/max latency overall and per endpoint, errors by kind,
and the server's CPU seconds, for each phase. Clients and server share this machine's cores. Asserts
nothing; exit status 1 only if the run itself breaks (the warehouse cannot be built, the server does not
start).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api_server import serve_api  # noqa: E402
from bench.machine import describe  # noqa: E402
from bench.server import ServerFailed  # noqa: E402
from zi.domain.rules import load_rules  # noqa: E402

PROPOSALS = (
    "provinsi,instansi,unit_kerja,tahun,kategori,afirmasi\n"
    "Jawa Barat,Pemprov Jawa Barat,Dinas Pariwisata dan Kebudayaan,2025,WBK,\n"
    "Jawa Barat,Pemprov Jawa Barat,Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu,2025,WBBM,\n"
    "Jawa Barat,Pemprov Jawa Barat,Dinas Peternakan dan Kesehatan Hewan,2025,WBK-AFIRMASI,\n"
)


def build_sample(folder: Path) -> Path:
    db = folder / "zi.duckdb"
    (folder / "usulan.csv").write_text(PROPOSALS, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "etl", "load", str(ROOT / "data" / "sample"), str(folder / "usulan.csv"), "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"gudang data contoh gagal dibuat:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return db


def token(n: int) -> str:
    return f"beban-{n:03d}-" + "t" * 40


def client(base: str, key: str, paths: list[tuple[str, str]], results: list, start: threading.Event) -> None:
    """One puller: a kept-alive connection, `paths` in order, each (kind, path) timed."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {"Authorization": f"Bearer {key}"}
    start.wait()
    for kind, path in paths:
        began = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            seconds = time.perf_counter() - began
            error = None if response.status == 200 else f"HTTP {response.status}"
            if error is None:
                error = check_body(kind, json.loads(body))
        except (OSError, http.client.HTTPException, ValueError) as failure:
            seconds, error = time.perf_counter() - began, type(failure).__name__
            connection.close()
            connection = http.client.HTTPConnection(host, int(port), timeout=30)
        results.append((kind, seconds, error))
    connection.close()


def check_body(kind: str, body: dict) -> str | None:
    if kind == "sehat":
        return None if body == {"status": "ok"} else "isi salah"
    if kind == "jawaban":
        return None if len(body.get("answers", [])) == 127 and body.get("unit_id") else "isi salah"
    return None if isinstance(body.get("units"), list) and body.get("tahun") else "isi salah"


def run_phase(base: str, clients: int, plans: list[list[tuple[str, str]]]) -> tuple[list, float]:
    results: list = []  # list.append is atomic: no lock needed
    start = threading.Event()
    threads = [threading.Thread(target=client, args=(base, token(n), plans[n], results, start)) for n in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    start.set()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - began


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(name: str, results: list, seconds: float) -> dict:
    times = [s * 1000 for _, s, _ in results]
    errors = Counter(e for _, _, e in results if e)
    print(
        f"{name}: {len(results)} permintaan dalam {seconds:.1f} s ({len(results) / seconds:.0f}/s); "
        f"p50 {percentile(times, 0.5):.1f} ms, p95 {percentile(times, 0.95):.1f} ms, p99 {percentile(times, 0.99):.1f} ms, "
        f"maks {max(times):.1f} ms; galat {sum(errors.values())}" + (f" ({dict(errors)})" if errors else "")
    )
    return {"p50": percentile(times, 0.5), "p95": percentile(times, 0.95), "errors": sum(errors.values())}


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def plan_requests(rng: random.Random, units: list[str], requests: int) -> list[tuple[str, str]]:
    """One client's requests: one in ten of each list, the rest the answers of a proposed unit."""
    plan = []
    for _ in range(requests):
        draw = rng.random()
        if draw < 0.1:
            plan.append(("daftar", "/pengusulan/unit-wbk"))
        elif draw < 0.2:
            plan.append(("daftar", "/pengusulan/unit-wbbm"))
        else:
            plan.append(("jawaban", f"/lke/jawaban-unit/{rng.choice(units)}"))
    return plan


def first_requests(base: str, key: str) -> tuple[list[str], list[tuple[str, float]]]:
    """The proposed units, and the time of each first request (lists, then every unit's answers), one at a time."""
    host, port = base.removeprefix("http://").split(":")
    probe = http.client.HTTPConnection(host, int(port), timeout=30)
    units: list[str] = []
    cold = []
    for endpoint in ("unit-wbk", "unit-wbbm"):
        began = time.perf_counter()
        probe.request("GET", f"/pengusulan/{endpoint}", headers={"Authorization": f"Bearer {key}"})
        units += [u["id"] for u in json.loads(probe.getresponse().read())["units"]]
        cold.append(("daftar", time.perf_counter() - began))
    for unit in units:
        began = time.perf_counter()
        probe.request("GET", f"/lke/jawaban-unit/{unit}", headers={"Authorization": f"Bearer {key}"})
        probe.getresponse().read()
        cold.append(("jawaban", time.perf_counter() - began))
    probe.close()
    return units, cold


def api_phase(name: str, server_base: str, pid: int, clients: int, plans: list, base_p95: float) -> dict:
    cpu_before = cpu_seconds(pid)
    results, seconds = run_phase(server_base, clients, plans)
    cpu = cpu_seconds(pid) - cpu_before
    overall = summary(name, results, seconds)
    for kind in ("daftar", "jawaban"):
        summary(f"  {kind}", [r for r in results if r[0] == kind], seconds)
    print(
        f"  rasio p95 / dasar: {overall['p95'] / base_p95:.1f}×; "
        f"CPU server {cpu:.1f} s dalam {seconds:.1f} s ({cpu / seconds * 100:.0f}% satu inti)"
    )
    return overall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="gudang data (bawaan: data contoh + tiga usulan Jawa Barat)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--cap", type=float, default=900, help="batas waktu seluruh uji (detik)")
    args = parser.parse_args()
    import duckdb
    import starlette
    import uvicorn

    print(describe(f"DuckDB {duckdb.__version__}", f"Starlette {starlette.__version__}", f"uvicorn {uvicorn.__version__}"))
    folder = Path(tempfile.mkdtemp(prefix="zi-portalrb-beban-"))
    cap = threading.Timer(args.cap, lambda: os._exit(1))  # bounded: the whole run stops at --cap
    cap.daemon = True
    cap.start()
    try:
        db = folder / "zi.duckdb"
        if args.db:
            shutil.copyfile(args.db, db)
        else:
            build_sample(folder)
        limits = load_rules().limits
        tokens = [token(n) for n in range(args.clients)] + [token(999)]
        big = str(args.clients * args.requests * 10)
        unlimited = ("--per-minute", big, "--burst", big)
        try:
            with serve_api(db, folder / "api.log", tokens, args=unlimited) as server:
                units, cold = first_requests(server.base, tokens[0])
                if not units:
                    sys.exit("tidak ada unit yang diusulkan di gudang data ini")
                print(
                    "pertama kali (dibaca dari gudang data, satu per satu): "
                    + ", ".join(f"{kind} {seconds * 1000:.1f} ms" for kind, seconds in cold)
                )
                print(f"{args.clients} klien × {args.requests} permintaan; unit yang diusulkan: {', '.join(units)}")
                baseline = [[("sehat", "/sehat")] * args.requests for _ in range(args.clients)]
                base = summary("dasar /sehat", *run_phase(server.base, args.clients, baseline))
                rng = random.Random(2026)
                plans = [plan_requests(rng, units, args.requests) for _ in range(args.clients)]
                api_phase("API PortalRB (dari memori)", server.base, server.process.pid, args.clients, plans, base["p95"])
            # the same requests with nothing kept: every one reads the warehouse (the cost after each load)
            with serve_api(db, folder / "api-tanpa-cache.log", tokens, args=(*unlimited, "--cache", "0")) as server:
                api_phase("API PortalRB (tanpa cache)", server.base, server.process.pid, args.clients, plans, base["p95"])
        except ServerFailed as error:
            print(error, file=sys.stderr)
            return 1
        burst, per_minute = int(limits["portalrb_burst"]), float(limits["portalrb_requests_per_minute"])
        with serve_api(db, folder / "api-batas.log", [token(999)]) as server:
            limited, limited_seconds = run_phase_one(server.base, token(999), [("daftar", "/pengusulan/unit-wbk")] * (burst + 10))
            refused = sum(1 for _, _, e in limited if e == "HTTP 429")
            expected = max(0, 10 - int(per_minute / 60 * limited_seconds))
            print(
                f"pembatas (burst {burst}, {per_minute:g}/menit): {burst + 10} permintaan berturut-turut dalam "
                f"{limited_seconds:.2f} s -> {refused} ditolak 429 (diharapkan ±{expected}), "
                f"{sum(1 for _, _, e in limited if e is None)} dilayani"
            )
        return 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_phase_one(base: str, key: str, paths: list[tuple[str, str]]) -> tuple[list, float]:
    results: list = []
    start = threading.Event()
    start.set()
    began = time.perf_counter()
    client(base, key, paths, results, start)
    return results, time.perf_counter() - began


if __name__ == "__main__":
    sys.exit(main())
