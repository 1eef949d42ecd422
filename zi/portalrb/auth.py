"""Who may pull from the PortalRB API: bearer tokens, each optionally limited to some instansi, and a rate limit.

Tokens come from `ZI_PORTALRB_TOKENS` (one or more, separated by commas or spaces; each sees every instansi)
and from the secrets file (`.streamlit/secrets.toml`, never committed):

    [portalrb]
    tokens = [
        {token = "…", nama = "portalrb", instansi = ["Pemprov Jawa Barat"]},   # sees Jawa Barat's units only
        "…",                                                                  # a plain string sees every instansi
    ]

A token is at least `MIN_LENGTH` characters (`python -c "import secrets; print(secrets.token_urlsafe(32))"`).
Only each token's SHA-256 is kept in memory, and a presented token is compared with every one of them in
constant time (`hmac.compare_digest`, no early exit). A token is never logged: logs name it by its `nama`
(or `token-<n>`). Configuration that cannot be read stops the API from starting (`TokenError`), never
opens it.

The rate limit is a token bucket per token, in memory (per process): `burst` requests at once, refilled at
`per_minute` a minute; the defaults are `[limits] portalrb_requests_per_minute` and `portalrb_burst` in
data/rules.toml.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import threading
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

MIN_LENGTH = 32
ENV = "ZI_PORTALRB_TOKENS"
SECRETS = Path(__file__).resolve().parents[2] / ".streamlit" / "secrets.toml"


class TokenError(ValueError):
    """The token configuration cannot be used; the message (Indonesian) says what to fix."""


@dataclass(frozen=True)
class Token:
    label: str  # how logs name it
    digest: bytes = field(repr=False)
    instansi: frozenset[str] | None  # instansi keys it may see; None: every instansi

    def sees(self, instansi_key: str) -> bool:
        return self.instansi is None or instansi_key in self.instansi


def instansi_key(name: str) -> str:
    """An instansi's name as the warehouse keys it: lower-cased, whitespace collapsed."""
    return " ".join(name.split()).lower()


def load_tokens(environ: Mapping[str, str] | None = None, secrets: Path | None = SECRETS) -> list[Token]:
    """Every configured token; TokenError if one is unusable (too short, twice, malformed)."""
    environ = os.environ if environ is None else environ
    found: list[tuple[str, str | None, object]] = []  # (token, name, instansi as given)
    for text in re.split(r"[\s,]+", environ.get(ENV, "").strip()):
        if text:
            found.append((text, None, None))
    if secrets is not None and secrets.is_file():
        try:
            section = tomllib.loads(secrets.read_text(encoding="utf-8")).get("portalrb", {})
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise TokenError(
                f"{secrets}: berkas rahasia tidak dapat dibaca ({type(error).__name__}); API tidak dijalankan"
            ) from None
        entries = section.get("tokens", []) if isinstance(section, dict) else None
        if not isinstance(entries, list):
            raise TokenError(f"{secrets}: [portalrb] tokens harus berupa daftar")
        for n, entry in enumerate(entries, start=1):
            if isinstance(entry, str):
                found.append((entry, None, None))
            elif isinstance(entry, dict) and isinstance(entry.get("token"), str):
                name = entry.get("nama")
                found.append((entry["token"], name if isinstance(name, str) and name.strip() else None, entry.get("instansi")))
            else:
                raise TokenError(f'{secrets}: [portalrb] tokens ke-{n} harus teks atau {{token = "…", instansi = [...]}}')
    tokens, seen = [], set()
    for n, (text, name, instansi) in enumerate(found, start=1):
        label = name or f"token-{n}"
        if len(text) < MIN_LENGTH:
            raise TokenError(f"token {label} terlalu pendek: minimal {MIN_LENGTH} karakter")
        digest = hashlib.sha256(text.encode("utf-8")).digest()
        if digest in seen:
            raise TokenError(f"token {label} disebut dua kali")
        seen.add(digest)
        if instansi is not None and (
            not isinstance(instansi, list) or not all(isinstance(i, str) and i.strip() for i in instansi)
        ):
            raise TokenError(f'token {label}: instansi harus daftar nama instansi, mis. ["Pemprov Jawa Barat"]')
        scope = frozenset(instansi_key(i) for i in instansi) if instansi is not None else None
        tokens.append(Token(label, digest, scope))
    return tokens


def match(tokens: list[Token], presented: str) -> Token | None:
    """The token `presented` is, compared with every configured one in constant time; None if none."""
    digest = hashlib.sha256(presented.encode("utf-8", "surrogateescape")).digest()
    found = None
    for token in tokens:
        if hmac.compare_digest(digest, token.digest):  # no early exit: every token is compared
            found = token
    return found


class RateLimiter:
    """A token bucket per key: `burst` at once, `per_minute` a minute after that."""

    def __init__(self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic):
        if per_minute <= 0 or burst < 1:
            raise ValueError("per_minute > 0 and burst >= 1")
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens left, when)
        self._lock = threading.Lock()

    def allow(self, key: str) -> float:
        """0 when a request may go ahead now (and counts it), else the seconds until one may."""
        with self._lock:
            now = self.clock()
            left, when = self._buckets.get(key, (self.burst, now))
            left = min(self.burst, left + (now - when) * self.rate)
            if left >= 1:
                self._buckets[key] = (left - 1, now)
                return 0.0
            self._buckets[key] = (left, now)
            return (1 - left) / self.rate
