"""A real dashboard server for the browser tests: `streamlit run dashboard.py` over a given warehouse
(bench/server.py starts and stops it; here a server that does not come up fails the test)."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.server import ROOT, ServerFailed, serve

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG_PROBLEM = re.compile(r"^\S+ \S+ (WARNING|ERROR|CRITICAL) (\S+): (.*)$", re.MULTILINE)


def logged_problems(log_path: Path) -> list[str]:
    """The warnings and errors in a server log written with LOG_FORMAT ("LEVEL logger: message")."""
    return [" ".join(match.groups()) for match in LOG_PROBLEM.finditer(log_path.read_text(encoding="utf-8"))]


@contextlib.contextmanager
def streamlit_server(db: Path, log_path: Path | None = None, timeout: float = 60) -> Iterator[str]:
    """Serve the dashboard with ZI_DB=db and yield its base URL; the log goes to `log_path`
    (default: a new file beside the db) and is shown if the server does not come up."""
    if log_path is None:
        handle, name = tempfile.mkstemp(prefix="streamlit_", suffix=".log", dir=db.parent)
        os.close(handle)  # serve() opens the file itself
        log_path = Path(name)
    env = {
        "ZI_DB": str(db),
        "STREAMLIT_CLIENT_SHOW_ERROR_DETAILS": "full",
        "STREAMLIT_LOGGER_MESSAGE_FORMAT": LOG_FORMAT,  # with the level: logged_problems() finds warnings
    }
    try:
        with serve(ROOT / "dashboard.py", log_path, env, timeout=timeout) as server:
            yield server.base
    except ServerFailed as failed:  # raised only while starting: the tests' own errors pass through
        pytest.fail(str(failed))
