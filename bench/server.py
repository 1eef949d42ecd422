"""A real Streamlit server on a free loopback port, for the benchmarks and the browser tests.

`streamlit run SCRIPT` is started, ready once /_stcore/health answers "ok", and stopped (terminate,
then kill) when the block ends. A server that exits or never answers raises ServerFailed with the
end of its log; each caller says that in its own way (a benchmark exits, a test fails).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ServerFailed(RuntimeError):
    """The server exited or did not answer its health check in time (the message holds its log)."""


@dataclass(frozen=True)
class Server:
    base: str  # http://127.0.0.1:PORT
    process: subprocess.Popen


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(
    script: Path, log_path: Path, env: dict[str, str] | None = None, cwd: Path = ROOT, timeout: float = 90
) -> Iterator[Server]:
    """`streamlit run script` (from `cwd`, with `env` over this process's environment) until the
    block ends; its output goes to `log_path`."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(script),
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--server.address",
                "127.0.0.1",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=cwd,
            env={**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_healthy(process, base, log_path, script, timeout)
            yield Server(base, process)
        finally:
            stop(process)


def stop(process: subprocess.Popen) -> None:
    """Ask a server to end; kill it if it has not within 15 s."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


def _wait_until_healthy(process: subprocess.Popen, base: str, log_path: Path, script: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise ServerFailed(f"{script.name}: streamlit exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
            if response.status == 200 and response.read().strip() == b"ok":
                return
        if time.monotonic() > deadline:
            raise ServerFailed(
                f"{script.name}: no answer on /_stcore/health within {timeout:.0f} s:\n{log_path.read_text()[-3000:]}"
            )
        time.sleep(0.3)
