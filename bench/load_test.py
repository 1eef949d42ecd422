"""Load test: many inspectors at once on one dashboard server, while a new warehouse is swapped in.

    python bench/load_test.py [--db WAREHOUSE] [--sessions 20] [--interactions 6] [--cap 300]

One `streamlit run dashboard.py` on a free loopback port serves a temporary copy of the warehouse
(--db, default: the bundled sample built by the ETL). One headless Chromium opens --sessions browser
contexts at once (asyncio Playwright); each opens the root page and waits for its first chart, opens
Bandingkan Provinsi, then makes --interactions changes there, alternating the stage ("Tahap
penilaian": SA/TPI/TPN) and the year ("Tahun penilaian"), timing each rerun from the click until the
script has finished and a chart is drawn. When half of all interactions are done, `python -m etl
load SWAP --db COPY` replaces the warehouse under the running server (default SWAP: the demo set of
another seed, which replaces and adds rows); the sessions carry on and must not notice but for newer
numbers.

A session fails on a timeout, an exception box on the page, a lost connection, or a "page not found"
dialog. Reported: failed sessions with reasons, p50/p95 of opening and rerun times (before, during
and after the swap), the swap's own time and whether a fresh visit afterwards plots other numbers,
the server's resident memory (VmRSS) before the sessions, at peak, when they have ended, and after
--idle seconds; and, because browsers and server share this machine's cores, the CPU seconds each
used and the server's health-check latency, to tell a slow server from a starved browser. With
--one-context the sessions are tabs of one browser context (one shared cache) instead. Bounded: fixed counts, every wait has a
timeout, and the whole run stops at --cap seconds. Asserts nothing (a benchmark); exit status 1 only
if the run itself breaks (server or browser does not start, the swap load fails).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.machine import describe  # noqa: E402
from bench.server import ServerFailed, serve  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
CHART = "[data-testid=stPlotlyChart] .js-plotly-plot"
STAGES = ("SA", "TPN", "TPI")  # from the default TPI, each click changes the stage
# Counts finished script runs in the page: a rerun is over when the app's script state goes back to
# notRunning (the attribute Streamlit itself exposes for tests); a counter is not fooled by a click
# whose rerun has not started yet, as a plain "is it notRunning now?" check would be. A starved tab
# may apply a whole quick rerun in one render, so the attribute never visibly changes: then the
# plotted values (`__ziPlotted`) changing is the sign the rerun arrived (see `rerun`).
RUN_COUNTER = """
window.__ziRuns = {finished: 0, last: null};
new MutationObserver(() => {
  const app = document.querySelector('[data-testid=stApp]');
  const state = app && app.getAttribute('data-test-script-state');
  if (state && state !== window.__ziRuns.last) {
    if (state === 'notRunning' && window.__ziRuns.last !== null) window.__ziRuns.finished += 1;
    window.__ziRuns.last = state;
  }
}).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ['data-test-script-state']});
window.__ziPlotted = () => JSON.stringify(
  [...document.querySelectorAll('[data-testid=stPlotlyChart] .js-plotly-plot')].map(c => (c.data || []).map(t => [t.x, t.y])));
"""


def machine() -> str:
    import streamlit

    return describe(f"Streamlit {streamlit.__version__}")


def rss_mb(pid: int) -> float:
    """Resident memory of one process (psutil is not a dependency; /proc says the same)."""
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss / 2**20
    except ImportError:
        with open(f"/proc/{pid}/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024


def cpu_seconds(pids: set[int]) -> float:
    """User + system CPU of these processes and of their children already reaped (/proc/PID/stat)."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime stime cutime cstime
    return total


def descendants(root: int) -> set[int]:
    """Every live process below `root` (the browser that Playwright started under this script)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError), open(f"/proc/{entry}/stat") as stat:
                children.setdefault(int(stat.read().rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    found, stack = set(), [root]
    while stack:
        for child in children.get(stack.pop(), []):
            found.add(child)
            stack.append(child)
    return found


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (no interpolation: with 100 values, p95 is the 95th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(-(-share * len(ordered) // 1)) - 1))]


def spread(values: list[float]) -> str:
    if not values:
        return "–"
    return (
        f"n={len(values):3d}  p50 {percentile(values, 0.5):6.2f} s  p95 {percentile(values, 0.95):6.2f} s"
        f"  max {max(values):6.2f} s"
    )


@dataclass
class Results:
    open_root: list[float] = field(default_factory=list)
    open_page: list[float] = field(default_factory=list)
    reruns: dict[str, list[float]] = field(default_factory=lambda: {"before": [], "during": [], "after": []})
    failures: dict[int, str] = field(default_factory=dict)
    completed: set[int] = field(default_factory=set)
    done: int = 0
    wall: float = 0.0
    active: int = 0
    peak_active: int = 0  # sessions open at the same time, at most
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds used during the sessions, by whom
    health: list[float] = field(default_factory=list)  # /_stcore/health latencies: is the server responsive?
    serves_new: bool | None = None  # after the swap, does a fresh visit plot other numbers than before?
    swap_started: float | None = None
    swap_finished: float | None = None
    swap_code: int | None = None
    swap_output: str = ""


def run_cli(*args: str) -> None:
    result = subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        sys.exit(f"python -m etl {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")


async def problem(page) -> str | None:
    """What a user would see as broken, or None."""
    if await page.get_by_test_id("stException").count():
        return "exception: " + " ".join((await page.get_by_test_id("stException").first.inner_text()).split())[:200]
    state = await page.locator("[data-testid=stApp]").get_attribute("data-test-connection-state")
    if state not in (None, "CONNECTED"):
        return f"connection {state}"
    if await page.get_by_text("Page not found").count():
        return "'Page not found' dialog"
    return None


async def first_chart_data(browser, url: str, timeout_s: float) -> str:
    """The plotted values of the first chart of a fresh visit to `url` (Plotly keeps them on the element)."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = await context.new_page()
        await page.goto(url, timeout=timeout_s * 1000)
        await page.locator(CHART).first.wait_for(state="visible", timeout=timeout_s * 1000)
        await page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=timeout_s * 1000)
        return await page.evaluate(f"() => JSON.stringify(document.querySelector('{CHART}').data.map(t => [t.x, t.y]))")
    finally:
        await context.close()


async def finished_runs(page) -> int:
    return await page.evaluate("window.__ziRuns ? window.__ziRuns.finished : 0")


async def rerun(page, action, timeout_ms: int) -> float:
    """Seconds from the user's action until the rerun it caused has finished with a chart drawn: the
    run counter moved on, or (a starved tab rendering the run at once) other values are plotted and
    the script is not running."""
    before = await finished_runs(page)
    plotted = await page.evaluate("window.__ziPlotted()")
    started = time.perf_counter()
    await action()
    await page.wait_for_function(
        "([before, plotted]) => window.__ziRuns.finished > before"
        " || (window.__ziPlotted() !== plotted && document.querySelector("
        "'[data-testid=stApp][data-test-script-state=notRunning]') !== null)",
        arg=[before, plotted],
        timeout=timeout_ms,
    )
    await page.locator(CHART).first.wait_for(state="visible", timeout=timeout_ms)
    return time.perf_counter() - started


async def session(index: int, browser, shared, base: str, args, years: list[int], results: Results, swap: asyncio.Event) -> None:
    rng = random.Random(index)
    await asyncio.sleep(rng.uniform(0, args.ramp))  # people do not all press Enter in the same millisecond
    # Own context: a first visit with an empty browser cache. Shared (--one-context): a tab of one
    # browser profile, which parses Streamlit's scripts from its cache (lighter on a small load machine).
    context = shared or await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="id-ID")
    if not shared:
        await context.add_init_script(RUN_COUNTER)
    page = await context.new_page()
    results.active += 1
    results.peak_active = max(results.peak_active, results.active)
    page.set_default_timeout(args.timeout * 1000)
    where = "opening /"
    try:
        started = time.perf_counter()
        await page.goto(base + "/")
        await page.locator(CHART).first.wait_for(state="visible")
        results.open_root.append(time.perf_counter() - started)
        where = "opening /bandingkan"
        started = time.perf_counter()
        await page.goto(base + "/bandingkan")
        await page.locator(CHART).first.wait_for(state="visible")
        await page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
        results.open_page.append(time.perf_counter() - started)
        if found := await problem(page):
            raise RuntimeError(found)
        year_index = 0
        for step in range(args.interactions):
            if step % 2 == 0:
                stage = STAGES[(step // 2) % len(STAGES)]
                where = f"interaction {step + 1}: tahap {stage}"

                async def action(stage=stage):
                    await page.locator(".st-key-tahap button", has_text=stage).first.click()  # keyed widget's container
            else:
                year_index = (year_index + 1) % len(years)
                year = years[year_index]  # years[0] is the default (newest): always a change
                where = f"interaction {step + 1}: tahun {year}"

                async def action(year=year):
                    await page.get_by_role("combobox", name="Tahun penilaian").click()
                    await page.get_by_role("option", name=str(year), exact=True).click()

            phase = "before" if not swap.is_set() else "during" if results.swap_finished is None else "after"
            seconds = await rerun(page, action, args.timeout * 1000)
            results.reruns[phase].append(seconds)
            if found := await problem(page):
                raise RuntimeError(found)
            results.done += 1
        results.completed.add(index)
    except Exception as error:  # noqa: BLE001 - every failure of a session is counted, with its reason
        results.failures[index] = f"{where}: {type(error).__name__}: {' '.join(str(error).split())[:240]}"
    finally:
        results.active -= 1
        await (page.close() if shared else context.close())


async def swapper(db: Path, swap_data: Path, results: Results, half: int, swap: asyncio.Event, t0: float) -> None:
    """When half the interactions are done, load SWAP into the live warehouse (the ETL's atomic swap)."""
    while results.done < half and not swap.is_set():
        await asyncio.sleep(0.1)
    results.swap_started = time.perf_counter() - t0
    swap.set()  # reruns measured from now on may meet the new file
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "etl",
        "load",
        str(swap_data),
        "--db",
        str(db),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    results.swap_code, results.swap_output = process.returncode, output.decode(errors="replace")[-2000:]
    results.swap_finished = time.perf_counter() - t0


def health_latency(base: str) -> float:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=30) as response:
            response.read()
    except OSError:
        return 30.0
    return time.perf_counter() - started


async def sample_server(pid: int, base: str, peak: list[float], results: Results, stop: asyncio.Event) -> None:
    """Peak memory, and how long the server takes to answer a health check (its event loop's lag)."""
    while not stop.is_set():
        with contextlib.suppress(OSError, StopIteration):
            peak[0] = max(peak[0], rss_mb(pid))
        results.health.append(await asyncio.to_thread(health_latency, base))
        await asyncio.sleep(0.5)


async def drive(base: str, server: subprocess.Popen, db: Path, swap_data: Path, years: list[int], args) -> tuple[Results, dict]:
    from playwright.async_api import async_playwright

    results, memory = Results(), {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            # Warm-up: the first run imports pages and fills the navigation (a first request straight
            # to /bandingkan on a cold server shows Streamlit's "Page not found" dialog).
            await first_chart_data(browser, base + "/", args.timeout)
            # What Bandingkan plots from the old warehouse, to tell afterwards whether the new one is served.
            plotted_before = await first_chart_data(browser, base + "/bandingkan", args.timeout)
            memory["before sessions (after one warm-up visit)"] = rss_mb(server.pid)

            swap, stop = asyncio.Event(), asyncio.Event()
            peak = [memory["before sessions (after one warm-up visit)"]]
            t0 = time.perf_counter()
            sampler = asyncio.create_task(sample_server(server.pid, base, peak, results, stop))
            others = descendants(os.getpid()) - {server.pid} - descendants(server.pid)
            cpu_before = {"server": cpu_seconds({server.pid}), "browser": cpu_seconds(others)}
            swapping = asyncio.create_task(swapper(db, swap_data, results, args.sessions * args.interactions // 2, swap, t0))
            shared = None
            if args.one_context:
                shared = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="id-ID")
                await shared.add_init_script(RUN_COUNTER)
            sessions = [session(i, browser, shared, base, args, years, results, swap) for i in range(args.sessions)]
            try:
                await asyncio.wait_for(asyncio.gather(*sessions), timeout=args.cap)
            except TimeoutError:
                results.failures[-1] = f"the run hit its cap of {args.cap} s; unfinished sessions were stopped"
            # If every session failed early the swap has not started: start it so its figures exist.
            swap.set()
            await asyncio.wait_for(swapping, timeout=600)
            results.wall = time.perf_counter() - t0
            others = descendants(os.getpid()) - {server.pid} - descendants(server.pid)
            results.cpu = {
                "server": cpu_seconds({server.pid}) - cpu_before["server"],
                "browser": cpu_seconds(others) - cpu_before["browser"],
            }
            stop.set()
            await sampler
            memory["peak during sessions"] = peak[0]
            memory["after the sessions ended"] = rss_mb(server.pid)
            results.serves_new = plotted_before != await first_chart_data(browser, base + "/bandingkan", args.timeout)
        finally:
            await browser.close()
    await asyncio.sleep(args.idle)  # the browser is gone: the server may let go of the sessions
    memory[f"after {args.idle:.0f} s idle"] = rss_mb(server.pid)
    return results, memory


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, help="warehouse to copy and serve (default: the bundled sample, built by the ETL)")
    parser.add_argument("--swap", type=Path, help="files loaded mid-test (default: the demo set of seed 7, generated)")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--interactions", type=int, default=6)
    parser.add_argument(
        "--ramp", type=float, default=10.0, help="sessions start within this many seconds (all stay open together)"
    )
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds for any one wait in a session")
    parser.add_argument("--cap", type=float, default=300.0, help="seconds for all sessions together")
    parser.add_argument(
        "--one-context",
        action="store_true",
        help="sessions as tabs of one browser context (shared cache) instead of a context each",
    )
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle before the last memory reading")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"needs Debian's Chromium at {CHROMIUM}")

    with tempfile.TemporaryDirectory(prefix="zi_load_test_") as folder:
        tmp = Path(folder)
        db = tmp / "zi.duckdb"
        if args.db:
            shutil.copyfile(args.db, db)
        else:
            run_cli("load", str(ROOT / "data" / "sample"), str(ROOT / "data" / "praktik_baik.csv"), "--db", str(db))
        swap_data = args.swap
        if swap_data is None:
            swap_data = tmp / "swap"
            run_cli("generate", "--out", str(swap_data), "--seed", "7")
        import duckdb

        con = duckdb.connect(str(db), read_only=True)
        try:
            years = [y for (y,) in con.execute("SELECT DISTINCT year FROM scores ORDER BY year DESC").fetchall()]
            rows = con.execute("SELECT count(*) FROM scores").fetchall()[0][0]
        finally:
            con.close()

        log = tmp / "streamlit.log"
        with serve(ROOT / "dashboard.py", log, {"ZI_DB": str(db)}) as server:
            memory = {"server idle after start": rss_mb(server.process.pid)}
            results, measured = asyncio.run(drive(server.base, server.process, db, swap_data, years, args))
            memory |= measured
        port = server.base.rsplit(":", 1)[1]

        print(f"machine: {machine()}")
        print(
            f"server: 127.0.0.1:{port}, warehouse copy of {args.db or 'the bundled sample'} ({rows:,} score rows); "
            f"swap: {swap_data}"
        )
        print(
            f"sessions: {args.sessions} (started within {args.ramp:.0f} s, at most {results.peak_active} open at once, "
            f"{'tabs of one context' if args.one_context else 'a browser context each'}), {args.interactions} interactions each, "
            f"cap {args.cap:.0f} s; run took {results.wall:.1f} s"
        )
        # A session that neither completed nor recorded an error was stopped by the cap: not done either.
        errors = {k for k in results.failures if k >= 0}
        capped = set(range(args.sessions)) - results.completed - errors
        print(
            f"failed sessions: {len(errors) + len(capped)} of {args.sessions} "
            f"({len(errors)} with an error or timeout, {len(capped)} unfinished at the cap)"
        )
        for index, reason in sorted(results.failures.items()):
            print(f"  {'run' if index < 0 else f'session {index}'}: {reason}")
        print(
            f"CPU during the sessions: server {results.cpu.get('server', 0):.0f} s, browser and driver "
            f"{results.cpu.get('browser', 0):.0f} s, over {results.wall:.0f} s wall on {os.cpu_count()} cores; "
            f"load average at the end {os.getloadavg()[0]:.1f} (other work on the machine counts too)"
        )
        print(f"server health-check latency      {spread(results.health)}")
        print(f"open /, to first chart          {spread(results.open_root)}")
        print(f"open /bandingkan, to finished    {spread(results.open_page)}")
        print(f"reruns before the swap           {spread(results.reruns['before'])}")
        print(f"reruns started during the swap   {spread(results.reruns['during'])}")
        print(f"reruns after the swap            {spread(results.reruns['after'])}")
        print(f"reruns, all                      {spread([n for runs in results.reruns.values() for n in runs])}")
        if results.swap_started is not None:
            print(
                f"swap: `python -m etl load` from {results.swap_started:.1f} s to {results.swap_finished:.1f} s "
                f"of the run, exit {results.swap_code}; afterwards a fresh visit plots "
                f"{'the new warehouse' if results.serves_new else 'THE SAME NUMBERS AS BEFORE (old warehouse?)'}"
            )
        for label, mb in memory.items():
            print(f"server RSS {label:<44} {mb:7.0f} MB")
        growth = memory[f"after {args.idle:.0f} s idle"] - memory["before sessions (after one warm-up visit)"]
        print(f"server RSS growth, after idle vs before sessions: {growth:+.0f} MB")
        if "Traceback" in log.read_text():
            print("server log has tracebacks:\n" + log.read_text()[-3000:])
        if results.swap_code not in (0, None):
            print(results.swap_output)
            sys.exit("the swap load failed: the run is broken")


if __name__ == "__main__":
    try:
        main()
    except ServerFailed as failed:
        sys.exit(str(failed))
