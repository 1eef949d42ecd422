"""Several replicas behind nginx (deploy/run_replicas.sh, deploy/nginx.conf.template), end to end.

Two Streamlit servers and nginx are started by the deployment script on free loopback ports, all
serving one read-only copy of a sample warehouse. Real browser sessions (Debian's Chromium through
Playwright, a new browser context each, so a new cookie each) are opened through nginx:

1. sessions spread over both replicas (a cookie hash, not ip_hash, which on loopback pins everyone
   to one replica), and every request of a session, websocket included, reaches one replica;
2. one replica is killed (SIGKILL, as a crash); every new session still renders the page, both for
   new browsers and for browsers whose cookie pointed at the dead replica: 0 failures;
3. a page that was open on the killed replica reconnects to the other one, where the user's next
   interaction runs.

Skipped with the reason when nginx or Chromium is not installed (CI installs both: .ci/run).
Bounded: at most 12 sessions before the kill, 7 after, 30 s per page.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from zi.present.labels import SAMPLE_NOTICE

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SCRIPT = ROOT / "deploy" / "run_replicas.sh"
PAGE_TIMEOUT_MS = 30_000

pytestmark = [
    pytest.mark.skipif(
        shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
        reason="nginx tidak terpasang: uji replika di belakang nginx dilewati (apt-get install nginx; .ci/run memasangnya)",
    ),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium tidak ada di {CHROMIUM} (apt-get install chromium)"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def etl(*args: object) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("ZI_DB", "ZI_DATASET")}
    result = subprocess.run(
        [sys.executable, "-m", "etl", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


class Deployment:
    """deploy/run_replicas.sh running in the background; stopped (only what it started) by stop()."""

    def __init__(self, workdir: Path, data: list[str], replicas: int):
        self.workdir = workdir
        self.listen = f"127.0.0.1:{free_port()}"
        self.replicas = [f"127.0.0.1:{free_port()}" for _ in range(replicas)]
        env = {k: v for k, v in os.environ.items() if k not in ("ZI_DB", "ZI_DATASET")}
        self.process = subprocess.Popen(
            [
                "bash",
                str(SCRIPT),
                *data,
                "--listen",
                self.listen,
                "--replicas",
                ",".join(self.replicas),
                "--dir",
                str(workdir),
                "--python",
                sys.executable,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.output = ""
        self._wait_ready(deadline=time.monotonic() + 120)

    @property
    def url(self) -> str:
        return f"http://{self.listen}/"

    def _wait_ready(self, deadline: float) -> None:
        while "SIAP:" not in self.output:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"run_replicas.sh tidak siap:\n{self.output}\n{self.logs()}")
            ready, _, _ = select.select([self.process.stdout], [], [], 0.5)
            if ready:
                self.output += self.process.stdout.readline()

    def pid(self, replica: str) -> int:
        number = self.replicas.index(replica) + 1
        return int((self.workdir / f"replika-{number}.pid").read_text())

    def started_pids(self) -> list[int]:
        return [int(p.read_text()) for p in self.workdir.glob("*.pid") if p.name != "nginx.pid" and p.read_text().strip()]

    def logs(self) -> str:
        return "\n".join(f"== {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(self.workdir.glob("*.log")))

    def access_log(self) -> list[dict]:
        pattern = re.compile(
            r'(?P<status>\d{3}) "(?P<method>\S+) (?P<uri>\S+) [^"]*" upstream=(?P<upstream>.*) zi_replika=(?P<cookie>\S*)$'
        )
        path = self.workdir / "access.log"
        lines = path.read_text().splitlines() if path.exists() else []
        return [m.groupdict() for m in map(pattern.search, lines) if m]

    def stop(self) -> None:
        """TERM to the script (it stops its replicas and nginx by pid); anything it left, by pid."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        for pid in self.started_pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("replika_data") / "zi.duckdb"
    etl("load", ROOT / "data" / "sample", ROOT / "data" / "praktik_baik.csv", "--db", db)
    return db


class Session:
    """One browser (context: its own cookies) opening the dashboard through nginx."""

    def __init__(self, browser, url: str, cookies: list[dict] | None = None):
        self.context = browser.new_context()
        if cookies:
            self.context.add_cookies(cookies)
        self.page = self.context.new_page()
        self.served_by: list[str] = []  # the replica of every HTTP response of this session
        self.page.on("response", self._record)
        self.frames: list[int] = []  # per websocket the page opened, frames received from the server
        self.page.on("websocket", self._watch)
        self.url = url

    def _watch(self, websocket) -> None:
        index = len(self.frames)
        self.frames.append(0)

        def received(_payload) -> None:
            self.frames[index] += 1

        websocket.on("framereceived", received)

    def _record(self, response) -> None:
        header = response.headers.get("x-zi-replika")
        if header:  # during a failover nginx lists every replica tried: the last one answered
            self.served_by.append(header.split(",")[-1].strip())

    def render(self) -> None:
        """The Ringkasan page with its title and the sample notice, as a user sees it."""
        self.page.goto(self.url, wait_until="domcontentloaded", timeout=PAGE_TIMEOUT_MS)
        self.page.get_by_role("heading", name="Ringkasan").first.wait_for(timeout=PAGE_TIMEOUT_MS)
        self.page.get_by_text(SAMPLE_NOTICE[:40]).first.wait_for(timeout=PAGE_TIMEOUT_MS)

    @property
    def cookie(self) -> str | None:
        return next((c["value"] for c in self.context.cookies() if c["name"] == "zi_replika"), None)

    def close(self) -> None:
        self.context.close()


def open_session(browser, url: str, failures: list[str], cookies: list[dict] | None = None) -> Session | None:
    session = Session(browser, url, cookies)
    try:
        session.render()
        return session
    except Exception as error:  # noqa: BLE001 - every failure is counted and reported below
        failures.append(f"{type(error).__name__}: {str(error)[:300]}")
        session.close()
        return None


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return condition()


def test_sessions_spread_stay_sticky_and_survive_a_stopped_replica(browser, warehouse, tmp_path):
    deployment = Deployment(tmp_path / "kerja", ["--db", str(warehouse)], replicas=2)
    failures: list[str] = []
    try:
        # 1. New browsers spread over both replicas; each session on one replica only.
        before: list[tuple[str, str, list[dict]]] = []  # (replica, cookie value, cookies)
        for _ in range(12):
            session = open_session(browser, deployment.url, failures)
            assert session is not None, failures
            replicas = set(session.served_by)
            assert len(replicas) == 1, f"satu sesi dilayani beberapa replika: {session.served_by}"
            before.append((replicas.pop(), session.cookie, session.context.cookies()))
            session.close()
            if {r for r, _, _ in before} == set(deployment.replicas) and len(before) >= 4:
                break
        served = {r for r, _, _ in before}
        assert served == set(deployment.replicas), f"semua sesi ke satu replika ({served}): pembagian tidak lekat-cookie"

        # The websocket of each session (logged by nginx when it closes) went where its HTTP went.
        cookies = {cookie: replica for replica, cookie, _ in before}

        def streams() -> list[dict]:
            return [e for e in deployment.access_log() if e["uri"].startswith("/_stcore/stream") and e["cookie"] in cookies]

        assert wait_for(lambda: {e["cookie"] for e in streams()} == set(cookies), 15), deployment.access_log()
        for entry in streams():
            assert entry["status"] == "101" and entry["upstream"] == cookies[entry["cookie"]], entry

        # 2. A session stays open on the replica about to stop; then that replica is killed.
        victim = before[0][0]
        survivor = next(r for r in deployment.replicas if r != victim)
        victim_cookies = [c for r, _, c in before if r == victim][:3]
        open_on_victim = open_session(browser, deployment.url, failures, victim_cookies[0])
        assert open_on_victim is not None and set(open_on_victim.served_by) == {victim}, failures
        # Fully loaded first: a page whose scripts are cut off mid-download cannot reconnect (not this test's subject).
        open_on_victim.page.wait_for_load_state("networkidle", timeout=PAGE_TIMEOUT_MS)
        os.kill(deployment.pid(victim), signal.SIGKILL)
        killed_at = len(deployment.access_log())

        # 3. Every new session renders, on the survivor: browsers that were on the victim, and new ones.
        after = []
        for cookies_of_browser in [*victim_cookies, None, None, None, None]:
            session = open_session(browser, deployment.url, failures, cookies_of_browser)
            if session is not None:
                after.append(set(session.served_by))
                session.close()
        assert failures == [], f"{len(failures)} sesi gagal setelah satu replika berhenti: {failures}\n{deployment.logs()}"
        assert len(after) == len(victim_cookies) + 4 and all(s == {survivor} for s in after), after

        # 4. The page that was open on the victim reconnects its websocket (to the survivor, a new
        #    session there); the user's next interaction runs on the survivor and updates the page.
        deadline = time.monotonic() + 30
        while len(open_on_victim.frames) < 2 and time.monotonic() < deadline:
            open_on_victim.page.wait_for_timeout(250)  # lets Playwright deliver the page's events
        assert len(open_on_victim.frames) >= 2, open_on_victim.frames
        open_on_victim.page.get_by_text("TPN", exact=True).first.click()  # the stage filter
        deadline = time.monotonic() + 30
        while open_on_victim.frames[-1] == 0 and time.monotonic() < deadline:  # the survivor's answer
            open_on_victim.page.wait_for_timeout(250)
        assert open_on_victim.frames[-1] > 0, open_on_victim.frames
        open_on_victim.page.wait_for_url(re.compile(r"tahap=TPN"), timeout=PAGE_TIMEOUT_MS)
        open_on_victim.page.get_by_role("heading", name="Ringkasan").first.wait_for(timeout=PAGE_TIMEOUT_MS)
        victim_cookie = open_on_victim.cookie
        open_on_victim.close()  # nginx logs a websocket when it closes

        def reconnected() -> bool:
            return any(
                e["uri"].startswith("/_stcore/stream") and e["cookie"] == victim_cookie and e["upstream"] == survivor
                for e in deployment.access_log()[killed_at:]
            )

        assert wait_for(reconnected, 15), deployment.access_log()[killed_at:]
        problems = [
            line
            for line in (deployment.workdir / "error.log").read_text().splitlines()
            if re.search(r"\[(crit|alert|emerg)\]", line)
        ]
        assert problems == [], problems  # e.g. a temp file nginx's workers cannot write
    finally:
        deployment.stop()
    assert all(not Path(f"/proc/{pid}").exists() for pid in deployment.started_pids()), "proses replika/nginx tertinggal"


def test_the_script_serves_a_parquet_dataset(browser, warehouse, tmp_path):
    dataset = tmp_path / "dataset"
    etl("export", "--db", warehouse, "--out", dataset)
    deployment = Deployment(tmp_path / "kerja", ["--dataset", str(dataset)], replicas=1)
    failures: list[str] = []
    try:
        session = open_session(browser, deployment.url, failures)
        assert session is not None, f"{failures}\n{deployment.logs()}"
        session.close()
        assert "ZI_DATASET" not in deployment.output and f"dataset {dataset}" in deployment.output
    finally:
        deployment.stop()
