"""A real dashboard server for the browser tests: `streamlit run dashboard.py` on a free loopback
port over a given warehouse, ready once /_stcore/health answers, stopped on the way out."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(db: Path, log_path: Path | None = None, timeout: float = 60) -> Iterator[str]:
    """Serve the dashboard with ZI_DB=db and yield its base URL; the log goes to `log_path`
    (default: beside the db) and is shown if the server does not come up."""
    port = free_port()
    env = {**os.environ, "ZI_DB": str(db), "STREAMLIT_CLIENT_SHOW_ERROR_DETAILS": "full",
           "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    log_path = log_path or db.parent / f"streamlit_{port}.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                pytest.fail(f"streamlit exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.status == 200 and response.read().strip() == b"ok":
                        break
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer /_stcore/health within {timeout:.0f} s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
