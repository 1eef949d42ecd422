"""Crash safety of a load: `python -m etl load` SIGKILLed at random moments never leaves a broken or
half-loaded warehouse.

A load builds the new warehouse in `<db>.loading` and swaps it in with `os.replace` (etl/write/warehouse.py),
so whatever instant the process dies at, the live file must be exactly the warehouse before the load
or exactly the one after it. This test checks that claim by experiment:

1. warehouse A = a small generated set (four provinces of the demo sample, ~14k rows, and Kalimantan
   Tengah's 33 LKE workbooks, ~8k item answers; one load ~2-3 s);
2. unkilled loads of a second set (another seed: replaces and adds rows) give the state "after"
   and the duration T of a whole run (median of three, interpreter start included);
3. RUNS times: reset the live file to A, start the same load in a child process, SIGKILL it at a time
   drawn uniformly from [0, T] (seeded; the seed is in every failure message), then open the live
   file read-only as the dashboard does and compare its fingerprint with "before" and "after";
   SWAP_RUNS more kills a random moment (< 50 ms) after the live file's inode changes: the new file
   is live then, so it must be exactly "after" (complete, checkpointed, synced);
4. every RECOVER_EVERY runs (and after the last) a load runs to completion over whatever the kill left
   (a stale `.loading`, a half-kept version link): it must succeed and give "after".

Set ZI_CRASH_SEED to replay another sequence of kill times.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

from zi.query.db import connect_readonly

RUNS = 50  # the issue asks for at least 50 kills; make the data smaller rather than this number
RECOVER_EVERY = 5
SEED = int(os.environ.get("ZI_CRASH_SEED", "20241204"))
# CSV files only (no XLSX) of four provinces keep one load near a second, so 50 kills fit in minutes.
PROVINCES = ("31_dki_jakarta", "35_jawa_timur", "51_bali", "62_kalimantan_tengah")
LOAD_TIMEOUT_S = 120
TIMING_RUNS = 3
SWAP_RUNS = 10
SWAP_WINDOW_S = 0.05  # kill within this long after the rename is seen


def _subset(source: Path, target: Path) -> Path:
    """The provinces' rekap and rincian files, and Kalimantan Tengah's LKE workbooks with their manifest
    rows: the kills hit the LKE path (reading workbooks, scoring, writing item answers) too."""
    target.mkdir(parents=True)
    for province in PROVINCES:
        for kind in ("rekap", "rincian"):
            shutil.copyfile(source / f"{kind}_{province}.csv", target / f"{kind}_{province}.csv")
    (target / "lke").mkdir()
    lines = (source / "lke" / "lke_daftar.csv").read_text(encoding="utf-8").splitlines()
    kept = [lines[0]] + [line for line in lines[1:] if line.startswith("lke_62_")]
    for line in kept[1:]:
        name = line.split(",")[0]
        shutil.copyfile(source / "lke" / name, target / "lke" / name)
    (target / "lke" / "lke_daftar.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    return target


def _load_command(files: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "etl", "load", str(files), "--db", str(db)]


def _load(files: Path, db: Path) -> float:
    """Run a load to completion; its wall time (interpreter start included, as the kills see it)."""
    started = time.perf_counter()
    result = subprocess.run(_load_command(files, db), cwd=ROOT, capture_output=True, text=True, timeout=LOAD_TIMEOUT_S)
    assert result.returncode == 0, f"load failed (seed {SEED}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return time.perf_counter() - started


def fingerprint(db: Path) -> tuple:
    """Every stored table's row count and per-column hash sums, and the two contract views.

    Opened exactly as the dashboard opens it (read-only, locked configuration): if this fails, a user
    would see it fail. `loads.loaded_at` is left out: the clock differs between equal loads."""
    con = connect_readonly(db)
    try:
        parts = []
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY 1").fetchall()]
        for table in tables:
            columns = [
                c
                for (c,) in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE table_name = $t AND NOT data_type LIKE 'TIMESTAMP%' "
                    "ORDER BY column_index",
                    {"t": table},
                ).fetchall()
            ]
            sums = ", ".join(f'sum(hash("{c}"))' for c in columns)  # names from the catalogue, not a user
            parts.append((table, *con.execute(f'SELECT count(*), {sums} FROM "{table}"').fetchone()))
        parts.append(("scores", *con.execute("SELECT count(*), sum(hash(COLUMNS(*))) FROM scores").fetchone()))
        parts.append(("load_history", *con.execute("SELECT count(*) FROM load_history").fetchone()))
        return tuple(parts)
    finally:
        con.close()


def _reset(state: Path, db: Path) -> None:
    """Put warehouse A back as the live file, the way a publish would (copy beside it, rename over)."""
    scratch = db.with_name(db.name + ".reset")
    shutil.copyfile(state, scratch)
    os.replace(scratch, db)


@pytest.fixture(scope="module")
def sets(tmp_path_factory) -> tuple[Path, Path]:
    from etl.sample.generate import generate

    base = tmp_path_factory.mktemp("crash_inputs")
    generate(base / "gen_a", "demo", seed=2024)
    generate(base / "gen_b", "demo", seed=7)  # same provinces, other draws: the load replaces and adds rows
    return _subset(base / "gen_a", base / "a"), _subset(base / "gen_b", base / "b")


def test_sigkill_during_load_leaves_before_or_after(sets, tmp_path):
    first, second = sets
    db = tmp_path / "wh" / "zi.duckdb"
    _load(first, db)
    state_a = tmp_path / "state_a.duckdb"
    shutil.copyfile(db, state_a)
    before = fingerprint(db)

    # T: the median of a few whole runs from A (one run alone is often a slow outlier on a busy machine,
    # and an inflated T would put many kills after the end of the run, testing nothing).
    durations = []
    for _ in range(TIMING_RUNS):
        _reset(state_a, db)
        durations.append(_load(second, db))
    duration = statistics.median(durations)
    after = fingerprint(db)
    assert after != before, "the second set must change the warehouse, or the test proves nothing"

    rng = random.Random(SEED)
    plan = [("at", rng.uniform(0.0, duration)) for _ in range(RUNS)]
    # The swap (rename, directory fsync, pruning kept versions, exit) is the last few percent of a run,
    # which uniform draws rarely hit, and timing noise on a shared machine blurs "the last few percent".
    # So a few more kills are aimed by event, not clock: a moment after the live file's inode changes.
    plan += [("after swap", rng.uniform(0.0, SWAP_WINDOW_S)) for _ in range(SWAP_RUNS)]
    outcomes = {"before": 0, "after": 0}
    killed = {"at": 0, "after swap": 0}
    leftovers = recovered = 0
    for run, (kind, delay) in enumerate(plan, start=1):
        _reset(state_a, db)
        where = (
            f"seed {SEED}, run {run}/{len(plan)}, SIGKILL {delay:.3f} s {kind} "
            f"{'start of' if kind == 'at' else 'the swap of'} a {duration:.3f} s load"
        )
        live = os.stat(db).st_ino
        child = subprocess.Popen(
            _load_command(second, db), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        started = time.perf_counter()
        if kind == "at":
            time.sleep(max(0.0, delay - (time.perf_counter() - started)))
        else:
            while child.poll() is None and os.stat(db).st_ino == live and time.perf_counter() - started < LOAD_TIMEOUT_S:
                time.sleep(0.001)
            time.sleep(delay)
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)  # the child's own group: only what this test started
        code = child.wait(timeout=LOAD_TIMEOUT_S)
        killed[kind] += code == -signal.SIGKILL
        leftovers += db.with_name(db.name + ".loading").exists()

        assert db.exists(), f"live warehouse missing ({where})"
        try:
            state = fingerprint(db)
        except Exception as error:  # noqa: BLE001 - any failure to open or read is the finding
            pytest.fail(f"warehouse does not open read-only after the kill ({where}): {error!r}")
        assert state in (before, after), (
            f"warehouse is neither the state before nor after the load ({where}; exit {code})\n"
            f"before: {before}\nafter:  {after}\nfound:  {state}"
        )
        if kind == "after swap":  # once the new file is live it must be the whole load, checkpointed and synced
            assert state == after, f"the swapped-in warehouse is not the completed load ({where}; exit {code})"
        outcomes["before" if state == before else "after"] += 1

        if run % RECOVER_EVERY == 0 or run == len(plan):
            # Whatever the kill left behind (a stale .loading, a kept version link), the next load works.
            _load(second, db)
            assert fingerprint(db) == after, f"a load after the kill did not give the expected state ({where})"
            recovered += 1

    print(
        f"\ncrash test seed {SEED}: {RUNS} kills at uniform times + {SWAP_RUNS} just after the swap; "
        f"killed mid-run {killed}; outcomes {outcomes}; {leftovers} left a .loading file; "
        f"{recovered} recovery loads succeeded; whole load (median) {duration:.2f} s"
    )
    # A kill drawn after the child already finished tests nothing. If most runs finish before their
    # kill, T was measured in a slow spell of a busy machine: the test says so rather than pass idly.
    assert killed["at"] >= RUNS // 3, (
        f"only {killed['at']} of {RUNS} runs were still running when killed (seed {SEED}, T {duration:.2f} s)"
    )
