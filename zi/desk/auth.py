"""Who may change the data: optional sign-in (Streamlit's `st.login`, OIDC) and two roles.

- No `[auth]` section in `.streamlit/secrets.toml`: sign-in is off and everyone may upload and roll
  back. That is meant for an inspector's own machine on localhost, and the data pages say so.
- With `[auth]` (Streamlit's OIDC settings): no page shows data before sign-in; an e-mail listed in
  `[zi_roles] editors` may upload and roll back (*penyunting*), everyone else may only view
  (*peninjau*). An identity whose provider says the e-mail is not verified is only a viewer.

`decide` is the rule, a pure function tested without a browser; `current` feeds it from
`st.secrets` and `st.user`.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from zi.present.labels import markdown_text

EDITOR, VIEWER = "editor", "viewer"
ROLE_LABELS = {EDITOR: "penyunting (boleh mengunggah dan mengembalikan versi)", VIEWER: "peninjau (hanya melihat)"}


@dataclass(frozen=True)
class Access:
    sign_in: bool  # sign-in is configured
    signed_in: bool
    email: str | None
    role: str

    @property
    def can_edit(self) -> bool:
        return self.role == EDITOR

    @property
    def loaded_by(self) -> str | None:
        """Who the load ledger names: the signed-in e-mail; without sign-in the ETL's system user."""
        return self.email if self.sign_in and self.signed_in else None


def decide(
    sign_in: bool, logged_in: bool, email: str | None, editors: Iterable[str] | str | None, email_verified: bool | None = None
) -> Access:
    """The role of a visitor. Without sign-in configured everyone edits; with it, only listed e-mails."""
    if not sign_in:
        return Access(False, False, None, EDITOR)
    if not logged_in:
        return Access(True, False, None, VIEWER)
    email = (email or "").strip() or None
    listed = {e.strip().lower() for e in ([editors] if isinstance(editors, str) else editors or ()) if isinstance(e, str)}
    editor = email is not None and email.lower() in listed and email_verified is not False
    return Access(True, True, email, EDITOR if editor else VIEWER)


def _secrets() -> dict | None:
    """The parsed secrets, {} when there are none, None when a secrets file exists but does not parse.

    A broken secrets file must not open the dashboard: it counts as sign-in configured (and failing)."""
    try:
        if st.secrets.load_if_toml_exists():
            return {key: st.secrets[key] for key in st.secrets}
    except Exception:  # noqa: BLE001 - any parse failure is treated alike, below
        pass
    files = st.config.get_option("secrets.files") or []
    return None if any(Path(f).is_file() for f in files) else {}


def configured() -> bool:
    found = _secrets()
    return found is None or "auth" in found


def current() -> Access:
    found = _secrets()
    if found is not None and "auth" not in found:
        return decide(False, False, None, ())
    roles = dict((found or {}).get("zi_roles") or {})
    user = st.user
    email, verified = user.get("email"), user.get("email_verified")  # identity-provider claims: checked by type
    return decide(
        True,
        bool(user.get("is_logged_in", False)),
        email if isinstance(email, str) else None,
        roles.get("editors"),
        verified if isinstance(verified, bool) else None,
    )


def require_sign_in() -> Access:
    """Where sign-in is configured, stop the page for a visitor who has not signed in."""
    access = current()
    if access.sign_in and not access.signed_in:
        st.title("Dasbor Kaji Tiru ZI")
        if _secrets() is None:
            st.error("Berkas .streamlit/secrets.toml tidak dapat dibaca; dasbor tidak dibuka sampai berkas itu diperbaiki.")
        elif importlib.util.find_spec("authlib") is None:
            st.error(
                "Sign-in dikonfigurasi (.streamlit/secrets.toml [auth]) tetapi paket Authlib belum terpasang: "
                "`pip install Authlib`. Dasbor tidak dibuka tanpa sign-in."
            )
        else:
            st.info("Silakan masuk untuk melihat dasbor.", icon=":material/lock:")
            st.button("Masuk", on_click=st.login, key="auth_masuk", type="primary")
        st.stop()
    return access


def status_caption(access: Access) -> None:
    """One line on the data desk pages: who is signed in, or that sign-in is off."""
    if not access.sign_in:
        st.caption(
            "Sign-in tidak aktif: semua yang membuka dasbor ini boleh mengunggah dan mengembalikan versi. "
            "Jalankan hanya di komputer sendiri (localhost) atau aktifkan sign-in (lihat README)."
        )
        return
    left, right = st.columns([4, 1])
    left.caption(f"Masuk sebagai {markdown_text(access.email or '–')}: {ROLE_LABELS[access.role]}.")
    right.button("Keluar", on_click=st.logout, key="auth_keluar")
