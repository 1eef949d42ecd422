"""`python -m zi.portalrb --db PATH [--host 127.0.0.1] [--port 8600]`: serve the PortalRB API with uvicorn.

Tokens from `ZI_PORTALRB_TOKENS` and `[portalrb]` of `.streamlit/secrets.toml` (`--secrets` for another file);
without one the API does not start. The rate limit per token defaults to data/rules.toml `[limits]`
(`portalrb_requests_per_minute`, `portalrb_burst`); `--per-minute` and `--burst` override it. What was read
from one warehouse version is kept for it (`--cache` unit-years, 0 to read on every request). It listens on
loopback by default: PortalRB reaches it through nginx's TLS server (deploy/nginx.conf.template).
Exit status: 0 stopped, 2 wrong usage or configuration (said in Bahasa Indonesia).
"""

from __future__ import annotations

import argparse
import logging.config
import sys
from pathlib import Path

import uvicorn

from etl.write.warehouse import default_db_path
from zi.domain.rules import load_rules
from zi.portalrb.app import CACHE_SIZE, create_app
from zi.portalrb.auth import SECRETS, RateLimiter, TokenError, load_tokens

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
    "loggers": {
        "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "zi.portalrb": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}


def main(argv: list[str] | None = None) -> int:
    limits = load_rules().limits
    parser = argparse.ArgumentParser(prog="python -m zi.portalrb", description="API PortalRB dari gudang data ZI")
    parser.add_argument("--db", type=Path, default=None, help="file DuckDB (bawaan: $ZI_DB atau data/zi.duckdb)")
    parser.add_argument("--host", default="127.0.0.1", help="alamat (bawaan: 127.0.0.1; dari luar lewat nginx dengan TLS)")
    parser.add_argument("--port", type=int, default=8600)
    parser.add_argument("--secrets", type=Path, default=SECRETS, help="berkas rahasia dengan [portalrb] tokens")
    parser.add_argument("--per-minute", type=float, default=float(limits["portalrb_requests_per_minute"]), help="batas per token")
    parser.add_argument("--burst", type=int, default=int(limits["portalrb_burst"]), help="permintaan sekaligus per token")
    parser.add_argument(
        "--cache",
        type=int,
        default=CACHE_SIZE,
        help=f"jawaban unit yang disimpan per versi gudang data (bawaan {CACHE_SIZE}; 0: tanpa)",
    )
    args = parser.parse_args(argv)
    db = args.db or default_db_path()
    try:
        tokens = load_tokens(secrets=args.secrets)
    except TokenError as error:
        print(f"API PortalRB tidak dijalankan: {error}", file=sys.stderr)
        return 2
    if not tokens:
        print(
            "API PortalRB tidak dijalankan: belum ada token (ZI_PORTALRB_TOKENS, atau [portalrb] tokens di "
            f"{args.secrets}); lihat README.",
            file=sys.stderr,
        )
        return 2
    if args.per_minute <= 0 or args.burst < 1 or args.cache < 0:
        print("--per-minute harus > 0, --burst >= 1, dan --cache >= 0", file=sys.stderr)
        return 2
    if not db.is_file():
        print(f"Peringatan: gudang data {db} belum ada; API menjawab 503 sampai dimuat.", file=sys.stderr)
    logging.config.dictConfig(LOGGING)
    app = create_app(db, tokens, RateLimiter(args.per_minute, args.burst), args.cache)
    # uvicorn's own access log is off: it writes the query string, where a misplaced token could stand; the
    # app logs every request itself (zi.portalrb.akses). No Server header; X-Forwarded-For only from loopback (nginx).
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        access_log=False,
        log_config=LOGGING,
        server_header=False,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
