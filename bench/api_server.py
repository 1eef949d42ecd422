"""A real PortalRB API server (`python -m zi.portalrb`, uvicorn) on a free loopback port, for the load test and
the API tests: ready once `/sehat` answers, stopped (terminate, then kill: only the process started here) when
the block ends. A server that exits or never answers raises ServerFailed with the end of its log."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from bench.server import ROOT, Server, ServerFailed, free_port, stop


@contextlib.contextmanager
def serve_api(
    db: Path,
    log_path: Path,
    tokens: list[str] | None = None,
    secrets: Path | None = None,
    args: tuple[str, ...] = (),
    timeout: float = 60,
) -> Iterator[Server]:
    """`python -m zi.portalrb --db db` with `tokens` in ZI_PORTALRB_TOKENS and `secrets` as its secrets file
    (default: none), stdout and stderr to `log_path`."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "ZI_PORTALRB_TOKENS"}
    env["ZI_PORTALRB_TOKENS"] = ",".join(tokens or [])
    command = [sys.executable, "-m", "zi.portalrb", "--db", str(db), "--port", str(port)]
    command += ["--secrets", str(secrets or log_path.with_suffix(".tidak-ada.toml")), *args]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout
            while True:
                if process.poll() is not None:
                    raise ServerFailed(f"zi.portalrb exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
                with contextlib.suppress(OSError, ValueError), urllib.request.urlopen(f"{base}/sehat", timeout=2) as answer:
                    if answer.status == 200 and json.loads(answer.read()) == {"status": "ok"}:
                        break
                if time.monotonic() > deadline:
                    raise ServerFailed(
                        f"zi.portalrb: no answer on /sehat within {timeout:.0f} s:\n{log_path.read_text()[-3000:]}"
                    )
                time.sleep(0.2)
            yield Server(base, process)
        finally:
            stop(process)
