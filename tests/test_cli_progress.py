"""`python -m etl check|load` on a terminal draws its progress with rich; anywhere else (a pipe, the
dashboard's child process, --json) it writes nothing but the report."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys

from conftest import HEADER_90, ROOT, ROW_90, write_csv


def run_on_a_terminal(*argv: object) -> tuple[int, str]:
    """Run the CLI with standard error on a pseudo-terminal: (exit status, what the terminal showed)."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm-256color"}
    process = subprocess.Popen(
        [sys.executable, "-m", "etl", *map(str, argv)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=follower, env=env
    )
    os.close(follower)
    shown = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    return process.wait(timeout=60), shown.decode("utf-8", "replace")


def test_a_terminal_sees_a_progress_bar(tmp_path):
    source = write_csv(tmp_path, "rekap.csv", f"{HEADER_90}\n{ROW_90}\n")
    code, shown = run_on_a_terminal("check", source)
    assert code == 0
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown)  # without the terminal's colour and cursor codes
    assert "━" in plain and re.search(r"\b1/1\b", plain), plain[-500:]  # rich's bar, files done / files
    assert "\x1b[?25l" in shown  # the cursor hidden while drawing: a live display, redrawn in place


def test_a_pipe_gets_the_report_only(tmp_path):
    source = write_csv(tmp_path, "rekap.csv", f"{HEADER_90}\n{ROW_90}\n")
    result = subprocess.run(
        [sys.executable, "-m", "etl", "check", str(source)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stderr == ""
    assert "LOLOS PEMERIKSAAN" in result.stdout and "━" not in result.stdout
