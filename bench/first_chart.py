"""Benchmark: time to the first chart in a real browser, our Bandingkan page against a bare Streamlit
page with one Plotly chart, measured side by side in the same run.

    python bench/first_chart.py [--db /tmp/zi_national.duckdb] [--rounds 10]

Two servers on loopback, each on its own free port: (a) a one-line app written to a temporary file
(`st.plotly_chart` of a three-bar figure), and (b) `streamlit run dashboard.py` with ZI_DB = a
temporary copy of --db (default: the national warehouse if it is at /tmp/zi_national.duckdb, else
the bundled sample built by the ETL), opened at /bandingkan. Each server is visited once first
(server-side caches and imports are part of real use; a cold start is not what users meet twice).
Then, for --rounds rounds, each side is measured once, in alternating order (ab, ba, ...) so neither
always goes first; every measurement uses a fresh browser context, so no browser cache favours a
side. Measured: from `page.goto` until the first Plotly chart is drawn, and until the script run has
finished. Prints medians and the ratio (b)/(a); the target is at most 1.3x. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.machine import describe  # noqa: E402
from bench.server import ServerFailed, serve  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
CHART = "[data-testid=stPlotlyChart] .js-plotly-plot"
NATIONAL = Path("/tmp/zi_national.duckdb")
TARGET = 1.3
BARE_APP = '''"""Baseline for bench/first_chart.py: the least a Streamlit page with one Plotly chart does."""
import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 3, 2])))
'''


def machine() -> str:
    import streamlit

    return describe(f"Streamlit {streamlit.__version__}")


# What the page had fetched by the time its first chart was drawn (scripts, styles, fonts): with
# a fresh context nothing is cached, so every code chunk a page's elements need is on the clock.
FETCHED = """() => {
  const entries = performance.getEntriesByType('resource');
  return [entries.length, entries.reduce((sum, e) => sum + (e.decodedBodySize || 0), 0)];
}"""


def measure(browser, url: str, timeout_s: float) -> tuple[float, float, int, int]:
    """Seconds from goto to the first chart drawn and to the script run finished, in a fresh context;
    and the requests and decoded bytes fetched by the first chart."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="id-ID")
    try:
        page = context.new_page()
        started = time.perf_counter()
        page.goto(url, timeout=timeout_s * 1000)
        page.locator(CHART).first.wait_for(state="visible", timeout=timeout_s * 1000)
        chart = time.perf_counter() - started
        requests, size = page.evaluate(FETCHED)
        page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=timeout_s * 1000)
        finished = time.perf_counter() - started
        if page.get_by_test_id("stException").count():
            sys.exit(f"{url}: the page shows an exception: {page.get_by_test_id('stException').first.inner_text()[:500]}")
        return chart, finished, requests, size
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, help="warehouse for the dashboard (default: national if built, else the sample)")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds for one measurement")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"needs Debian's Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="zi_first_chart_") as folder:
        tmp = Path(folder)
        db = tmp / "zi.duckdb"
        source = args.db or (NATIONAL if NATIONAL.exists() else None)
        if source:
            shutil.copyfile(source, db)  # a private copy: a rebuild elsewhere cannot change it mid-run
        else:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "etl",
                    "load",
                    str(ROOT / "data" / "sample"),
                    str(ROOT / "data" / "praktik_baik.csv"),
                    "--db",
                    str(db),
                ],
                cwd=ROOT,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        bare = tmp / "bare_app.py"
        bare.write_text(BARE_APP, encoding="utf-8")

        with (
            serve(bare, tmp / "bare.log", cwd=tmp) as bare_server,
            serve(ROOT / "dashboard.py", tmp / "dashboard.log", {"ZI_DB": str(db)}) as ours_server,
            sync_playwright() as playwright,
        ):
            bare_url, ours_url = bare_server.base, ours_server.base
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
            sides = {"(a) bare Streamlit + 1 Plotly chart": bare_url + "/", "(b) dashboard /bandingkan": ours_url + "/bandingkan"}
            # Warm-up: the dashboard's root first, so its navigation is known before /bandingkan is asked for.
            measure(browser, ours_url + "/", args.timeout)
            for url in sides.values():
                measure(browser, url, args.timeout)
            samples: dict[str, list[tuple[float, float, int, int]]] = {name: [] for name in sides}
            for round_ in range(args.rounds):
                order = list(sides) if round_ % 2 == 0 else list(reversed(sides))
                for name in order:
                    samples[name].append(measure(browser, sides[name], args.timeout))
            browser.close()

    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f} at the end")
    print(f"dashboard warehouse: {source or 'the bundled sample'}; {args.rounds} rounds, alternating order, fresh context each")
    medians = {}
    for name, values in samples.items():
        charts = [v[0] for v in values]
        medians[name] = chart = statistics.median(charts)
        print(
            f"{name:<38} first chart {chart:6.2f} s (min {min(charts):5.2f}, max {max(charts):5.2f})"
            f"   script finished {statistics.median(v[1] for v in values):6.2f} s"
            f"   fetched by then: {statistics.median(v[2] for v in values):.0f} requests, "
            f"{statistics.median(v[3] for v in values) / 2**20:.1f} MB"
        )
    bare_s, ours_s = medians.values()
    print(f"ratio (b)/(a), first chart: {ours_s / bare_s:.2f}x   (target <= {TARGET}x)")


if __name__ == "__main__":
    try:
        main()
    except ServerFailed as failed:
        sys.exit(str(failed))
