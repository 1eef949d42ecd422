"""What a benchmark ran on, printed beside its figures: cores, CPU model, memory, Python, and the
versions of the libraries it measures (timings only compare within one such line)."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def _first(path: str, prefix: str) -> str | None:
    """The first line of a /proc file starting with `prefix` (None off Linux)."""
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return None
    return next((line for line in lines if line.startswith(prefix)), None)


def describe(*versions: str) -> str:
    """'2 cores, <CPU>, 8 GB RAM, Python 3.11.7, ' + versions ('Streamlit 1.67.0', ...)."""
    cpu_line, mem_line = _first("/proc/cpuinfo", "model name"), _first("/proc/meminfo", "MemTotal")
    cpu = cpu_line.split(":", 1)[1].strip() if cpu_line else platform.processor()
    mem = int(mem_line.split()[1]) / 2**20 if mem_line else 0.0
    return ", ".join([f"{os.cpu_count()} cores", cpu, f"{mem:.0f} GB RAM", f"Python {platform.python_version()}", *versions])
