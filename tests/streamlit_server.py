"""A real dashboard server for the browser tests: `streamlit run dashboard.py` over a given warehouse
(bench/server.py starts and stops it; here a server that does not come up fails the test)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.server import ROOT, ServerFailed, serve


@contextlib.contextmanager
def streamlit_server(db: Path, log_path: Path | None = None, timeout: float = 60) -> Iterator[str]:
    """Serve the dashboard with ZI_DB=db and yield its base URL; the log goes to `log_path`
    (default: a new file beside the db) and is shown if the server does not come up."""
    if log_path is None:
        handle, name = tempfile.mkstemp(prefix="streamlit_", suffix=".log", dir=db.parent)
        os.close(handle)  # serve() opens the file itself
        log_path = Path(name)
    env = {"ZI_DB": str(db), "STREAMLIT_CLIENT_SHOW_ERROR_DETAILS": "full"}
    try:
        with serve(ROOT / "dashboard.py", log_path, env, timeout=timeout) as server:
            yield server.base
    except ServerFailed as failed:  # raised only while starting: the tests' own errors pass through
        pytest.fail(str(failed))
