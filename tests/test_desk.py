"""The data desk in the dashboard: the Unggah Data page (refused file, accepted file with its preview,
replacement old -> new, confirm to load, a warehouse that changed in between), the Riwayat Muatan
page (what a load changed, rollback with a confirm step), roles with and without sign-in, and the
server side of uploads (labels not paths, private random files, size cap, child-process caps).

AppTest drives the pages in this process; the ETL runs in a child process as it does when served.
"""

from __future__ import annotations

import ast
import copy
import os
import stat
import tomllib
from pathlib import Path

import pytest
from conftest import HEADER_90, ROOT, load, query, query_dicts, run_cli, sha256_of, write_csv
from streamlit.testing.v1 import AppTest

from etl.write import versions
from zi.desk import auth, load_report, uploads
from zi.domain.rules import load_rules

UNGGAH = str(ROOT / "pages" / "data" / "unggah.py")
RIWAYAT = str(ROOT / "pages" / "data" / "riwayat.py")
TIMEOUT = 180  # a check or load runs the ETL in a child process; generous for a busy machine
BASE = f"{HEADER_90}\n62,Inspektorat,2023,TPI,6,5,8,8,12,8,16,4,15\n62,Bappeda,2023,TPI,6,5,8,8,12,8,16,4,15\n"
SCORES = "SELECT * EXCLUDE (is_sample) FROM scores ORDER BY unit_id, year, stage"


@pytest.fixture
def desk_db(tmp_path, monkeypatch) -> Path:
    db = tmp_path / "wh" / "zi.duckdb"
    code, out = load(write_csv(tmp_path / "awal", "awal.csv", BASE), db)
    assert code == 0, out
    monkeypatch.setenv("ZI_DB", str(db))
    return db


def page(path: str, secrets: dict | None = None, user: dict | None = None) -> AppTest:
    at = AppTest.from_file(path, default_timeout=TIMEOUT)
    if secrets:
        at.secrets.update(secrets)
    if user is not None:
        at.user = user
    return at.run()


def upload(at: AppTest, name: str, text: str) -> AppTest:
    at.file_uploader[0].set_value((name, text.encode("utf-8"), "text/csv"))
    return at.run()


def frames(at: AppTest) -> list:
    return [element.value for element in at.dataframe]


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


# -- the Unggah page --------------------------------------------------------------------------------
def test_a_refused_file_shows_every_problem_located_and_writes_nothing(desk_db):
    before = sha256_of(desk_db)
    at = page(UNGGAH)
    no_errors(at)
    at = upload(
        at,
        "rekap_salah.csv",
        f"{HEADER_90}\nAtlantis,Dinas A,2023,TPI,6,5,8,8,12,8,16,4,15\n62,Dinas B,2023,TPX,6,5,8,8,12,99,16,4,15\n",
    )
    no_errors(at)
    assert any("Ditolak: 3 masalah" in e.value for e in at.error)
    problems = next(f for f in frames(at) if "Masalah" in f.columns)
    assert list(problems.columns) == ["File", "Sheet", "Baris", "Kolom", "Nilai", "Masalah"]
    located = set(zip(problems["File"], problems["Baris"], problems["Kolom"], problems["Nilai"], strict=True))
    assert {
        ("rekap_salah.csv", 2, "provinsi", "Atlantis"),
        ("rekap_salah.csv", 3, "tahap", "TPX"),
        ("rekap_salah.csv", 3, "pp", "99"),
    } == located
    assert not [b for b in at.button if b.key == "unggah_muat"]  # nothing to confirm
    assert sha256_of(desk_db) == before


def test_an_accepted_file_is_previewed_then_loaded_on_confirm(desk_db):
    before = sha256_of(desk_db)
    at = upload(page(UNGGAH), "rekap_kalteng_2024.csv", f"{HEADER_90}\n62,Dinas Pariwisata,2024,TPI,6,5,8,8,12,8,16,4,15\n")
    no_errors(at)
    assert {m.label: m.value for m in at.metric}["Rekap baru"] == "1"
    added = next(f for f in frames(at) if "Unit kerja" in f.columns and "MP" in f.columns)
    assert added[["File", "Baris", "Provinsi", "Unit kerja", "Tahun", "Tahap"]].values.tolist() == [
        ["rekap_kalteng_2024.csv", 2, "Kalimantan Tengah", "Dinas Pariwisata", 2024, "TPI"]
    ]
    assert sha256_of(desk_db) == before  # a preview writes nothing
    at.button(key="unggah_muat").click()
    at = at.run()
    no_errors(at)
    assert any("Muatan #2 selesai" in s.value for s in at.success)
    assert not at.file_uploader[0].value  # the uploader is emptied after a load
    assert query(desk_db, "SELECT file_name, source_row FROM provenance WHERE unit = 'Dinas Pariwisata'") == [
        ("rekap_kalteng_2024.csv", 2)
    ]
    assert versions.available(desk_db)[0].load_id == 1  # the replaced warehouse is kept for rollback


def test_a_replacement_is_previewed_old_to_new_with_its_origin(desk_db):
    at = upload(page(UNGGAH), "koreksi.csv", f"{HEADER_90}\n62,Inspektorat,2023,TPI,7.5,5,8,8,12,8,16,4,15\n")
    no_errors(at)
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Rekap baru"], metrics["Rekap diganti"]) == ("0", "1")
    changes = next(f for f in frames(at) if "Nilai lama" in f.columns)
    [change] = changes.to_dict("records")
    assert (change["Unit kerja"], change["Kolom"], change["Nilai lama"], change["Nilai baru"]) == (
        "Inspektorat",
        "MP",
        "6",
        "7,5",
    )
    assert (change["Asal nilai lama"], change["Baris asal"], change["Muatan asal"]) == ("awal.csv", 2, 1)


def test_a_warehouse_changed_since_the_check_is_checked_again_before_loading(desk_db, tmp_path):
    at = upload(page(UNGGAH), "koreksi.csv", f"{HEADER_90}\n62,Inspektorat,2023,TPI,7,5,8,8,12,8,16,4,15\n")
    # meanwhile someone else loads the same correction from the command line
    assert load(write_csv(tmp_path, "lain.csv", f"{HEADER_90}\n62,Inspektorat,2023,TPI,7,5,8,8,12,8,16,4,15\n"), desk_db)[0] == 0
    at.button(key="unggah_muat").click()
    at = at.run()
    no_errors(at)
    assert any("berubah sejak pemeriksaan" in w.value for w in at.warning)
    assert any("tidak ada yang perlu dimuat" in i.value for i in at.info)
    assert query(desk_db, "SELECT count(*) FROM loads") == [(2,)]


def test_identical_names_get_distinct_labels_and_both_are_checked(desk_db):
    at = page(UNGGAH)
    at.file_uploader[0].set_value(
        [
            ("rekap.csv", f"{HEADER_90}\n62,Dinas A,2024,SA,6,5,8,8,12,8,16,4,15\n".encode(), "text/csv"),
            ("rekap.csv", f"{HEADER_90}\n62,Dinas B,2024,SA,6,5,8,8,12,8,16,4,15\n".encode(), "text/csv"),
        ]
    )
    at = at.run()
    no_errors(at)
    files = next(f for f in frames(at) if "Format terdeteksi" in f.columns)
    assert files["File"].tolist() == ["rekap.csv", "rekap (2).csv"]


# -- the Riwayat page -------------------------------------------------------------------------------
def test_riwayat_shows_the_ledger_and_what_a_load_changed(desk_db, tmp_path):
    assert (
        load(
            write_csv(
                tmp_path,
                "dua.csv",
                f"{HEADER_90}\n62,Inspektorat,2023,TPI,7,5,8,8,12,8,16,4,15\n62,Dinas Baru,2024,SA,6,5,8,8,12,8,16,4,15\n",
            ),
            desk_db,
        )[0]
        == 0
    )
    at = page(RIWAYAT)
    no_errors(at)
    ledger = frames(at)[0]
    assert ledger["Muatan"].tolist() == [2, 1] and ledger["File"].tolist() == ["dua.csv", "awal.csv"]
    files, added, changed = frames(at)[1:4]
    assert files["File"].tolist() == ["dua.csv"] and len(files["SHA-256"].iat[0]) == 64
    assert added["Unit kerja"].tolist() == ["Dinas Baru"] and added["File"].tolist() == ["dua.csv"]
    assert changed[["Unit kerja", "Kolom", "Nilai lama", "Nilai baru", "File lama", "File baru"]].values.tolist() == [
        ["Inspektorat", "MP", "6", "7", "awal.csv", "dua.csv"]
    ]


def test_riwayat_lists_the_first_files_and_replaced_rows_of_a_large_load_and_counts_them_all(desk_db, tmp_path, monkeypatch):
    """A national LKE load has 20,000 files and replaces tens of thousands of rows: the page lists the first
    `preview_max_rows` of each (here 1) and says how many there are."""
    capped = copy.copy(load_rules())
    capped.limits = {**capped.limits, "preview_max_rows": 1}
    monkeypatch.setattr("zi.query.queries.load_rules", lambda: capped)
    for name, unit in (("satu.csv", "Inspektorat"), ("dua.csv", "Bappeda")):
        write_csv(tmp_path / "muatan", name, f"{HEADER_90}\n62,{unit},2023,TPI,7,5,8,8,12,8,16,4,15\n")
    assert load(tmp_path / "muatan", desk_db)[0] == 0
    at = page(RIWAYAT)
    no_errors(at)
    files, changed = frames(at)[1:3]  # nothing added: both rows replace one
    assert files["File"].tolist() == ["dua.csv"]
    assert changed[["Unit kerja", "Kolom", "Nilai lama", "Nilai baru"]].values.tolist() == [["Bappeda", "MP", "6", "7"]]
    said = [m.value for m in at.markdown]
    assert "**File dan hash** (2; 1 pertama ditampilkan)" in said
    assert "**Nilai rekap yang diganti (lama → baru)** (2 baris; 1 pertama ditampilkan)" in said


def test_rollback_through_the_riwayat_page_needs_a_confirm_and_restores_the_scores(desk_db, tmp_path):
    before = query(desk_db, SCORES)
    assert load(write_csv(tmp_path, "dua.csv", f"{HEADER_90}\n62,Inspektorat,2023,TPI,7,5,8,8,12,8,16,4,15\n"), desk_db)[0] == 0
    at = page(RIWAYAT)
    assert at.selectbox(key="riwayat_versi").value == 1
    at.button(key="riwayat_kembalikan").click()
    at = at.run()
    assert any("muatan #2 dibatalkan" in w.value for w in at.warning)
    assert query(desk_db, "SELECT count(*) FROM loads") == [(2,)]  # nothing happens before the confirm
    at.button(key="riwayat_ya").click()
    at = at.run()
    no_errors(at)
    assert any("rollback ke muatan #1" in s.value for s in at.success)
    assert query(desk_db, SCORES) == before
    assert frames(at)[0]["Muatan"].tolist()[0] == 3  # the page shows the new ledger at once


def test_a_rollback_can_be_cancelled(desk_db, tmp_path):
    assert load(write_csv(tmp_path, "dua.csv", f"{HEADER_90}\n62,Inspektorat,2023,TPI,7,5,8,8,12,8,16,4,15\n"), desk_db)[0] == 0
    before = sha256_of(desk_db)
    at = page(RIWAYAT)
    at.button(key="riwayat_kembalikan").click()
    at = at.run()
    at.button(key="riwayat_batal").click()
    at = at.run()
    assert not [b for b in at.button if b.key == "riwayat_ya"]
    assert sha256_of(desk_db) == before


def test_an_open_session_sees_a_new_load_at_its_next_interaction(desk_db, tmp_path):
    """DuckDB shares one instance per path in a process: a second connect(path) while an old
    connection is open would see the old file. zi.query.db attaches instead, so the reopen is fresh."""
    from zi.query.db import Warehouse

    old = Warehouse.open(desk_db)
    try:
        assert (
            load(write_csv(tmp_path, "baru.csv", f"{HEADER_90}\n62,Dinas Baru,2024,SA,6,5,8,8,12,8,16,4,15\n"), desk_db)[0] == 0
        )
        new = Warehouse.open(desk_db)
        try:
            assert new.version != old.version
            assert len(new.query("load_history")) == 2 and len(old.query("load_history")) == 1
        finally:
            new.close()
    finally:
        old.close()
    at = page(RIWAYAT)
    assert frames(at)[0]["Muatan"].tolist() == [2, 1]


def test_an_uploaded_file_name_is_shown_literally_never_as_markdown(desk_db, tmp_path):
    path = write_csv(tmp_path, "f.csv", f"{HEADER_90}\n62,Dinas Baru,2024,SA,6,5,8,8,12,8,16,4,15\n")
    assert run_cli("load", path, "--db", desk_db, f"--name={path}=[masuk ulang](https://contoh.invalid) $x$.csv")[0] == 0
    at = page(RIWAYAT)
    [source] = [c.value for c in at.caption if "sumber:" in c.value]
    assert r"\[masuk ulang\]\(https\://contoh\.invalid\) \$x\$\.csv" in source  # a link in Markdown only if unescaped


# -- roles --------------------------------------------------------------------------------------------
SIGN_IN = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "id",
        "client_secret": "rahasia",
        "server_metadata_url": "https://idp.example/.well-known/openid-configuration",
    },
    "zi_roles": {"editors": ["Inspektur@Kalteng.go.id"]},
}


@pytest.mark.parametrize(
    ("sign_in", "logged_in", "email", "verified", "role"),
    [
        (False, False, None, None, auth.EDITOR),  # no sign-in configured: open, for localhost
        (True, False, None, None, auth.VIEWER),
        (True, True, "inspektur@kalteng.go.id", None, auth.EDITOR),  # e-mails compare without case
        (True, True, " INSPEKTUR@kalteng.go.id ", True, auth.EDITOR),
        (True, True, "inspektur@kalteng.go.id", False, auth.VIEWER),  # the provider says: not verified
        (True, True, "tamu@kalteng.go.id", True, auth.VIEWER),
        (True, True, None, None, auth.VIEWER),
    ],
)
def test_the_role_rule(sign_in, logged_in, email, verified, role):
    access = auth.decide(sign_in, logged_in, email, ["inspektur@kalteng.go.id"], verified)
    assert access.role == role and access.can_edit == (role == auth.EDITOR)
    assert access.loaded_by == (email.strip() if sign_in and logged_in and email else None)


def test_editors_may_be_one_string_and_junk_is_ignored():
    assert auth.decide(True, True, "a@b.go.id", "a@b.go.id").can_edit
    assert not auth.decide(True, True, "a@b.go.id", [None, 3, ""]).can_edit


def test_without_sign_in_the_pages_say_it_is_off(desk_db):
    at = page(UNGGAH)
    assert any("Sign-in tidak aktif" in c.value for c in at.caption)
    assert at.file_uploader


def test_a_signed_out_visitor_sees_no_data(desk_db):
    for path in (UNGGAH, RIWAYAT):
        at = page(path, SIGN_IN, {"is_logged_in": False})
        no_errors(at)
        assert not at.dataframe and not at.file_uploader
        assert [b.label for b in at.button] == ["Masuk"] or any("Authlib" in e.value for e in at.error)


def test_a_viewer_may_look_but_not_upload_or_roll_back(desk_db, tmp_path):
    assert load(write_csv(tmp_path, "dua.csv", f"{HEADER_90}\n62,Inspektorat,2023,TPI,7,5,8,8,12,8,16,4,15\n"), desk_db)[0] == 0
    viewer = {"is_logged_in": True, "email": "tamu@kalteng.go.id"}
    at = page(UNGGAH, SIGN_IN, viewer)
    no_errors(at)
    assert not at.file_uploader and any("hanya dapat melihat" in i.value for i in at.info)
    at = page(RIWAYAT, SIGN_IN, viewer)
    no_errors(at)
    assert frames(at)  # the history is there to read
    assert not [b for b in at.button if b.key == "riwayat_kembalikan"]


def test_an_editor_load_is_recorded_under_their_e_mail(desk_db):
    editor = {"is_logged_in": True, "email": "inspektur@kalteng.go.id", "email_verified": True}
    at = upload(page(UNGGAH, SIGN_IN, editor), "baru.csv", f"{HEADER_90}\n62,Dinas Baru,2024,SA,6,5,8,8,12,8,16,4,15\n")
    assert any("Masuk sebagai inspektur@kalteng" in c.value for c in at.caption)
    at.button(key="unggah_muat").click()
    at = at.run()
    no_errors(at)
    assert query_dicts(desk_db, "SELECT loaded_by FROM loads WHERE load_id = 2") == [{"loaded_by": "inspektur@kalteng.go.id"}]


# -- the server side of an upload ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "label"),
    [
        ("rekap.csv", "rekap.csv"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\inspektur\\rekap kalteng.xlsx", "rekap kalteng.xlsx"),
        ("re\x00kap\r\n.csv", "rekap.csv"),
        ("", "berkas tanpa nama"),
        ("a" * 300 + ".csv", "a" * 119 + "…"),
    ],
)
def test_a_client_file_name_is_only_a_clean_label(raw, label):
    assert uploads.display_name(raw) == label


def test_uploads_are_written_under_random_names_in_a_private_folder(tmp_path):
    limits = uploads.Limits.from_rules(load_rules())
    staged = uploads.stage([("../../../tmp/jahat.csv", b"a,b\n"), ("rekap.csv", b"c,d\n")], limits)
    try:
        assert stat.S_IMODE(staged.directory.stat().st_mode) == 0o700
        assert [u.name for u in staged.uploads] == ["jahat.csv", "rekap.csv"]
        for item in staged.uploads:
            assert item.path.parent == staged.directory and len(item.path.name) == 32 and "." not in item.path.name
        assert sorted(p.read_bytes() for p in staged.directory.iterdir()) == [b"a,b\n", b"c,d\n"]
    finally:
        uploads.discard(staged)
    assert not staged.directory.exists()


def test_the_size_cap_refuses_before_writing_and_names_the_file(desk_db):
    limits = uploads.Limits(upload_max_mb=0.001, memory_mb=4096, timeout_s=60)
    staged = uploads.stage([("besar.csv", b"x" * 2000), ("kecil.csv", BASE.encode())], limits)
    try:
        assert [u.name for u in staged.uploads] == ["kecil.csv"] and len(list(staged.directory.iterdir())) == 1
        outcome = uploads.check(staged, desk_db, limits)
        assert outcome.status == "refused"  # one file over the cap refuses the whole load
        assert outcome.problems[0]["file"] == "besar.csv" and "melebihi batas unggah" in outcome.problems[0]["reason"]
    finally:
        uploads.discard(staged)


def test_the_child_process_caps_end_in_a_plain_message(desk_db):
    limits = uploads.Limits.from_rules(load_rules())
    staged = uploads.stage([("rekap.csv", BASE.encode())], limits)
    before = sha256_of(desk_db)
    try:
        starved = uploads.check(staged, desk_db, uploads.Limits(limits.upload_max_mb, memory_mb=64, timeout_s=60))
        assert starved.status == "failed" and starved.message.startswith("rekap.csv: ")
        assert "Traceback" not in starved.message
        late = uploads.check(staged, desk_db, uploads.Limits(limits.upload_max_mb, limits.memory_mb, timeout_s=0.01))
        assert late.status == "failed" and "batas waktu" in late.message
        assert uploads.check(staged, desk_db, limits).status == "checked"
    finally:
        uploads.discard(staged)
    assert sha256_of(desk_db) == before


def test_the_report_tables_keep_every_locating_field():
    report = {
        "problems": [
            {"file": "a.xlsx", "sheet": "Rekap", "row": 4, "column": "MP", "value": "x", "reason": "bukan angka", "text": "…"}
        ],
        "files": [
            {
                "name": "a.xlsx",
                "sha256": "0" * 64,
                "kind": "rekap",
                "rows": 3,
                "dialect": {"format": "xlsx", "sheet": "Rekap", "header_row": 2},
            }
        ],
    }
    assert load_report.problems(report).values.tolist() == [["a.xlsx", "Rekap", 4, "MP", "x", "bukan angka"]]
    assert load_report.files(report)["dialect"].iat[0] == "format xlsx, sheet Rekap, baris judul 2"
    assert load_report.value_text(87.5) == "87,5" and load_report.value_text(None) == "–" and load_report.value_text(16.0) == "16"


# -- serving configuration ----------------------------------------------------------------------------
def test_serving_configuration_is_hardened_and_agrees_with_the_rules():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["enableStaticServing"] is False
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["maxUploadSize"] == load_rules().limits["upload_max_mb"]
    assert ".streamlit/secrets.toml" in (ROOT / ".gitignore").read_text().splitlines()  # OIDC secrets never committed


def test_no_page_or_module_passes_data_to_unsafe_html():
    """Raw HTML only as a fixed string literal in the code (static CSS, say), never built from values."""
    offenders = []
    for path in [*ROOT.glob("pages/**/*.py"), *ROOT.glob("zi/**/*.py"), ROOT / "dashboard.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            unsafe = any(
                k.arg == "unsafe_allow_html" and not (isinstance(k.value, ast.Constant) and k.value.value is False)
                for k in node.keywords
            )
            literal = bool(node.args) and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
            if unsafe and not literal:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_uploads_left_by_a_closed_tab_are_swept_after_a_day(tmp_path):
    limits = uploads.Limits.from_rules(load_rules())
    old = uploads.stage([("lama.csv", b"a\n")], limits)
    recent = uploads.stage([("baru.csv", b"b\n")], limits)
    try:
        os.utime(old.directory, (0, 0))
        uploads.discard(uploads.stage([], limits))  # any new upload sweeps
        assert not old.directory.exists() and recent.directory.exists()
    finally:
        uploads.discard(old)
        uploads.discard(recent)


# -- provenance ---------------------------------------------------------------------------------------
def test_the_unit_profile_traces_each_score_to_its_file_and_row(desk_db, tmp_path):
    assert load(write_csv(tmp_path, "koreksi.csv", f"{HEADER_90}\n62,Bappeda,2023,TPI,7,5,8,8,12,8,16,4,15\n"), desk_db)[0] == 0
    at = page(str(ROOT / "pages" / "dasbor" / "profil_unit.py"))
    no_errors(at)
    assert any("Asal data" in e.label for e in at.expander)
    at.session_state["buka_profil_asal_data"] = True  # the section opened, as a click does
    at.run()
    origins = {
        tuple(r) for f in frames(at) if "SHA-256" in f.columns for r in f[["Tahun", "Tahap", "File", "Baris"]].values.tolist()
    }
    unit = at.selectbox(key="unit").value
    expected = query(desk_db, "SELECT year, stage, file_name, source_row FROM provenance WHERE unit_id = $u", {"u": unit})
    assert origins == set(expected) and ("koreksi.csv" in {o[2] for o in origins}) == (unit.endswith(":bappeda"))
