"""The PortalRB API: a small ASGI app (Starlette) serving what KemenPANRB's PortalRB pulls, from the warehouse.

    GET /pengusulan/unit-wbk           units proposed for WBK (both kinds) in the current proposal year
    GET /pengusulan/unit-wbbm          ... for WBBM           (`?tahun=` chooses another year)
    GET /lke/jawaban-unit/{unit_id}    one proposed unit's LKE answers for that year
    GET /sehat                         {"status": "ok"} for a monitor; no data, no token

Every data endpoint needs `Authorization: Bearer <token>` (zi.portalrb.auth). The current proposal year is the
latest year with a proposal. Every answer that is not 2xx is `{"error": true, "code": "...", "message": "..."}`
in Bahasa Indonesia: 401 no or a wrong token, 403 a unit of an instansi the token is not for, 404 an unknown
unit or path (or a unit not proposed that year, or without answers), 405 a method other than GET, 422 a bad
parameter or id, 429 past the token's rate limit (with Retry-After), 503 no warehouse, 500 anything else
(the traceback goes to the server's log, never to the client).

Reads go through the dashboard's read-only, SELECT-only `Warehouse`; each request checks the file's version,
so a warehouse the ETL swapped in is served from the next request on (what was read from one version is kept
with that version only: `Snapshot`). The access log (logger
`zi.portalrb.akses`) names the token by its label and the path without its query string: a token is never
logged, even one sent where it does not belong.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pandas as pd
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from etl.check.unit_ids import ID_PATTERN
from zi.portalrb import payload
from zi.portalrb.auth import RateLimiter, Token, match
from zi.query.db import Warehouse, file_version

ACCESS = logging.getLogger("zi.portalrb.akses")
LOG = logging.getLogger("zi.portalrb")
UNIT_ID = re.compile(ID_PATTERN)
YEAR = re.compile(r"[0-9]{4}")
MAX_LOGGED_PATH = 200
CACHE_SIZE = 512  # unit-years (and lists) kept per warehouse version: a province proposes tens of units a year


class ApiError(Exception):
    """An answer other than 2xx: status, a short code, the message for PortalRB's operators."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


class Json(JSONResponse):
    """JSON as UTF-8 text, never cached by a proxy."""

    def __init__(self, content: Any, status_code: int = 200, headers: dict[str, str] | None = None):
        super().__init__(
            content, status_code, {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", **(headers or {})}
        )


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Json:
    return Json({"error": True, "code": code, "message": message}, status, headers)


class Snapshot:
    """One version of the warehouse file and what the API has read from it. A version never changes (the ETL
    swaps in a new file), so what was read is kept with it, least recently used first out: PortalRB asking for
    a unit twice costs the queries once. A new version starts empty; `cache_size` 0 reads on every request.
    The caches close over the warehouse, not over the snapshot, so a replaced one is freed (and its file
    closed) as soon as the last request reading it is done."""

    def __init__(self, wh: Warehouse, cache_size: int):
        self.wh = wh
        cached = functools.lru_cache(maxsize=cache_size)
        unit = cached(lambda stable_id, year: payload.unit(wh, stable_id, year))

        def answers(stable_id: str, year: int) -> dict:
            _unit, proposal = unit(stable_id, year)
            assert proposal is not None  # asked for a proposed unit only
            return payload.answers(wh, proposal, year)

        self.year = cached(lambda: payload.proposal_year(wh))
        self.proposals = cached(lambda predicate, year, instansi: payload.proposals(wh, predicate, year, instansi))
        self.unit = unit
        self._answers = cached(answers)

    def answers(self, proposal: pd.Series, year: int) -> dict:
        return self._answers(str(proposal["stable_id"]), int(year))


class Warehouses:
    """The warehouse as it is now: reopened when the ETL swaps in another file (another inode, size or mtime).
    A request still reading the previous one keeps its own reference; it is closed when the last one is done."""

    def __init__(self, path: Path, cache_size: int = CACHE_SIZE):
        self.path = path
        self.cache_size = cache_size
        self._current: Snapshot | None = None
        self._lock = threading.Lock()

    def current(self) -> Snapshot:
        try:
            version = file_version(self.path)
        except OSError:
            raise ApiError(503, "gudang_data_tidak_ada", "Gudang data belum tersedia di server ini; coba lagi nanti.") from None
        with self._lock:
            if self._current is None or self._current.wh.version != version:
                self._current = Snapshot(Warehouse.open(self.path), self.cache_size)
            return self._current


def create_app(db: Path, tokens: list[Token], limiter: RateLimiter, cache_size: int = CACHE_SIZE) -> Starlette:
    """The ASGI app over the warehouse file `db`; `cache_size`: answers kept per warehouse version (Snapshot)."""
    warehouses = Warehouses(db, cache_size)

    def guarded(
        work: Callable[[Request, Token, dict[str, str]], Any], allowed: tuple[str, ...]
    ) -> Callable[[Request], Awaitable[Json]]:
        """Authenticate, rate-limit and check the query's parameters, then run `work` in a worker thread
        (DuckDB blocks) on the warehouse as it is now."""

        async def endpoint(request: Request) -> Json:
            token = _authenticate(request, tokens)
            request.scope.setdefault("state", {})["token"] = token.label
            wait = limiter.allow(token.label)
            if wait:
                seconds = max(1, int(wait + 0.999))
                raise ApiError(
                    429,
                    "terlalu_banyak_permintaan",
                    f"Batas permintaan token ini terlampaui; coba lagi dalam {seconds} detik.",
                    {"Retry-After": str(seconds)},
                )
            params = _parameters(request, allowed)
            return Json(await run_in_threadpool(work, request, token, params))

        return endpoint

    def units(request: Request, token: Token, params: dict[str, str]) -> dict:
        snapshot = warehouses.current()
        year = _year(params) or snapshot.year()
        predicate = payload.PREDICATES[request.url.path.rsplit("/", 1)[-1]]
        return snapshot.proposals(predicate, year, token.instansi)

    def unit_answers(request: Request, token: Token, params: dict[str, str]) -> dict:
        stable_id = request.path_params["unit_id"]
        if not UNIT_ID.fullmatch(stable_id):
            raise ApiError(
                422, "parameter_tidak_sah", "unit_id tidak sah: 1–64 huruf, angka, titik, garis bawah, atau tanda hubung."
            )
        snapshot = warehouses.current()
        year = _year(params) or snapshot.year()
        if year is None:
            raise ApiError(404, "unit_tidak_diusulkan", "Belum ada unit yang diusulkan.")
        try:
            unit, proposal = snapshot.unit(stable_id, year)
        except payload.UnitUnknown:
            raise ApiError(404, "unit_tidak_dikenal", f"Unit dengan id {stable_id} tidak dikenal.") from None
        if not token.sees(unit.instansi_key):
            raise ApiError(403, "akses_ditolak", "Token ini tidak berhak atas unit dari instansi tersebut.")
        if proposal is None:
            raise ApiError(404, "unit_tidak_diusulkan", f"Unit {stable_id} tidak diusulkan pada tahun {year}.")
        try:
            return snapshot.answers(proposal, year)
        except payload.NoAnswers:
            raise ApiError(404, "jawaban_belum_ada", f"Jawaban LKE unit {stable_id} tahun {year} belum dimuat.") from None

    async def health(_request: Request) -> Json:
        return Json({"status": "ok"})

    routes = [
        Route("/pengusulan/unit-wbk", guarded(units, ("tahun",)), methods=["GET"]),
        Route("/pengusulan/unit-wbbm", guarded(units, ("tahun",)), methods=["GET"]),
        Route("/lke/jawaban-unit/{unit_id}", guarded(unit_answers, ("tahun",)), methods=["GET"]),
        Route("/sehat", health, methods=["GET"]),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(AccessLog)],
        exception_handlers={ApiError: _api_error, HTTPException: _http_error, Exception: _server_error},
    )
    app.router.redirect_slashes = False  # a redirect has no JSON body; `/pengusulan/unit-wbk/` is a 404
    return app


def _authenticate(request: Request, tokens: list[Token]) -> Token:
    scheme, _, presented = request.headers.get("authorization", "").partition(" ")
    challenge = {"WWW-Authenticate": 'Bearer realm="PortalRB"'}
    if scheme.lower() != "bearer" or not presented.strip():
        raise ApiError(401, "token_tidak_ada", "Permintaan ini perlu header Authorization: Bearer <token>.", challenge)
    token = match(tokens, presented.strip())
    if token is None:
        raise ApiError(
            401, "token_salah", "Token tidak dikenal.", {"WWW-Authenticate": 'Bearer realm="PortalRB", error="invalid_token"'}
        )
    return token


def _parameters(request: Request, allowed: tuple[str, ...]) -> dict[str, str]:
    """The query's parameters, each known and given once: a misspelt one is an error, not silently ignored."""
    given = request.query_params.multi_items()
    unknown = sorted({k for k, _ in given if k not in allowed})
    if unknown:
        shown = ", ".join(name[:40] for name in unknown[:5])
        raise ApiError(422, "parameter_tidak_sah", f"Parameter tidak dikenal: {shown}. Yang dikenal: {', '.join(allowed)}.")
    names = [k for k, _ in given]
    if len(names) != len(set(names)):
        raise ApiError(422, "parameter_tidak_sah", "Setiap parameter hanya boleh diberikan sekali.")
    return dict(given)


def _year(params: dict[str, str]) -> int | None:
    if "tahun" not in params:
        return None
    text = params["tahun"]
    if not YEAR.fullmatch(text) or not 2000 <= int(text) <= 2100:
        raise ApiError(422, "parameter_tidak_sah", "tahun harus bilangan bulat empat angka, mis. 2025.")
    return int(text)


async def _api_error(_request: Request, error: Exception) -> Json:
    assert isinstance(error, ApiError)
    return error_response(error.status, error.code, error.message, error.headers)


async def _http_error(_request: Request, error: Exception) -> Json:
    """Starlette's own refusals (no route, a method other than GET) in the agreed shape."""
    assert isinstance(error, HTTPException)
    if error.status_code == 405:
        return error_response(405, "metode_tidak_diizinkan", "Hanya GET yang dilayani.", {"Allow": "GET, HEAD"})
    if error.status_code == 404:
        return error_response(404, "tidak_ditemukan", "Alamat ini tidak ada di API PortalRB.")
    return error_response(error.status_code, "permintaan_tidak_sah", "Permintaan tidak dapat dilayani.")


async def _server_error(_request: Request, error: Exception) -> Json:
    LOG.error(
        "kesalahan tak terduga (%s); rinciannya di log uvicorn di bawah", type(error).__name__
    )  # uvicorn logs the traceback
    return error_response(500, "kesalahan_server", "Terjadi kesalahan di server; coba lagi nanti atau hubungi pengelola.")


class AccessLog:
    """One line per request: client, method, path (no query string), status, milliseconds, token label."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def recording(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording)
        finally:
            client = scope.get("client") or ("-", 0)
            path = scope.get("path", "")
            shown = path if len(path) <= MAX_LOGGED_PATH else path[:MAX_LOGGED_PATH] + "…"
            ACCESS.info(
                "%s %s %r %s %.1f ms token=%s",
                client[0],
                scope.get("method"),
                shown,
                status,
                (time.perf_counter() - started) * 1000,
                (scope.get("state") or {}).get("token", "-"),
            )
