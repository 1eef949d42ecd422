"""The ETL command line under resource caps: `python -m etl.limited MEMORY_MB CPU_S -- ARGS...`.

The dashboard starts the ETL through this module. The caps (address space and CPU seconds, from
`[limits]` in data/rules.toml) are set by the child itself as its first act, before DuckDB, pyarrow
or openpyxl are imported, instead of by a `preexec_fn` in the dashboard: Streamlit serves sessions
from many threads, and Python documents `preexec_fn` as unsafe in a threaded parent (the child can
deadlock between fork and exec). The parent adds the wall-clock timeout.

Running out of memory under the cap is reported like any refusal, as JSON on standard output and
exit status 1, never as a traceback.
"""

from __future__ import annotations

import json
import resource
import sys


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[2] != "--":
        print("pemakaian: python -m etl.limited MEMORI_MB CPU_DETIK -- PERINTAH ...", file=sys.stderr)
        return 2
    memory = int(argv[0]) * 1024 * 1024
    cpu = int(argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    try:
        from etl.__main__ import main as etl_main

        return etl_main(argv[3:])
    except Exception as error:  # only running out of memory is expected here; others re-raise
        if not isinstance(error, MemoryError) and "OutOfMemory" not in type(error).__name__:
            raise
        message = f"pemeriksaan dihentikan: melebihi batas memori {argv[0]} MB (data/rules.toml [limits] child_memory_mb)"
        print(json.dumps({"status": "limit", "exit": 1, "messages": [message]}, ensure_ascii=False))
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
