"""The documentation keeps up with the code: every view and column in docs/warehouse.md, every page
file registered in the page list (zi.present.navigation), the README's two commands (the Makefile
and CI run what it says) and how to refresh the locks."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import duckdb
import pytest

from zi.present.navigation import all_pages

pytest_plugins = ["dashboard_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
VIEW_SQL = sorted((ROOT / "zi" / "sql" / "views").glob("*.sql"))
WAREHOUSE_DOC = (ROOT / "docs" / "warehouse.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
ENTRY = ROOT / "zi" / "app.py"  # the script every session runs


def created_views() -> list[str]:
    names = []
    for path in VIEW_SQL:
        names += re.findall(r"CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s+(\w+)", path.read_text(encoding="utf-8"), re.IGNORECASE)
    return names


def doc_section(view: str) -> str:
    """The text under the `### `view`` heading, up to the next heading."""
    match = re.search(rf"^###\s+`{view}`[^\n]*\n(.*?)(?=^#{{2,3}}\s|\Z)", WAREHOUSE_DOC, re.MULTILINE | re.DOTALL)
    assert match, f"docs/warehouse.md has no section '### `{view}`'"
    return match.group(1)


def documented_columns(view: str) -> tuple[set[str], list[set[str]]]:
    """Every identifier in backticks in the view's section (a section saying "Same columns as `x`"
    takes x's too), and the column lists (backticked, comma separated, three names or more)."""
    section = doc_section(view)
    spans = re.findall(r"`([^`]+)`", section)
    names = {word for span in spans for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", span)}
    lists = [{w.strip() for w in span.split(",")} for span in spans if span.count(",") >= 2]
    for other in re.findall(r"[Ss]ame\s+columns\s+as\s+`(\w+)`", section):
        names |= documented_columns(other)[0]
    return names, lists


@pytest.fixture(scope="module")
def described(fixture_db) -> dict[str, list[str]]:
    con = duckdb.connect(str(fixture_db), read_only=True)
    try:
        return {view: [row[0] for row in con.execute(f'DESCRIBE "{view}"').fetchall()] for view in created_views()}
    finally:
        con.close()


def test_the_view_files_create_the_documented_views():
    views = created_views()
    assert {
        "stg_rekap",
        "int_points",
        "score_items",
        "score_conditions",
        "scores",
        "provenance",
        "value_history",
        "load_history",
    } <= set(views)
    assert len(views) == len(set(views))


@pytest.mark.parametrize("view", created_views())
def test_every_view_is_documented_with_all_its_columns(described, view):
    names, lists = documented_columns(view)
    columns = described[view]
    missing = [c for c in columns if c not in names]
    assert not missing, f"docs/warehouse.md, view `{view}`: columns not documented: {', '.join(missing)}"
    if lists:  # the section's column list (the one naming most of the view's columns) names exactly them
        listed = max(lists, key=lambda names_: len(names_ & set(columns)))
        if len(listed & set(columns)) > len(columns) // 2:
            assert listed == set(columns), (
                f"docs/warehouse.md, view `{view}`: listed but not in the view: {sorted(listed - set(columns))}; "
                f"in the view but not listed: {sorted(set(columns) - listed)}"
            )


def test_every_page_file_is_registered_in_the_page_list():
    registered = [page.file for page in all_pages()]
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").rglob("*.py") if not p.name.startswith(("_", ".")))
    assert files, "no page files found"
    assert sorted(set(files) - set(registered)) == [], "page files that zi/present/navigation.py does not register"
    assert sorted(set(registered) - set(files)) == [], "zi/present/navigation.py registers files that do not exist"
    assert len(registered) == len(set(registered))
    urls = [page.url_path for page in all_pages()]
    assert len(urls) == len(set(urls)), f"two pages share a url_path: {urls}"
    assert {"ringkasan", "bandingkan", "tren", "profil", "metodologi"} <= set(urls)
    assert [page.title for page in all_pages() if page.default] == ["Ringkasan"]


def test_the_script_streamlit_runs_has_no_pages_folder_beside_it():
    """dashboard.py only names zi/app.py (see its docstring): a `pages` folder beside the script a
    session runs makes Streamlit start that session as a legacy multipage app."""
    app = [
        node.value
        for node in ast.walk(ast.parse((ROOT / "dashboard.py").read_text(encoding="utf-8")))
        if isinstance(node, ast.Assign) and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["app"]
    ]
    assert len(app) == 1 and ast.unparse(app[0]) == f"st.App('{ENTRY.relative_to(ROOT)}')"
    assert ENTRY.is_file() and not (ENTRY.parent / "pages").exists()
    # no top-level page file either: Streamlit would run it directly, bypassing the page list
    assert not list((ROOT / "pages").glob("*.py"))


def readme_section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.MULTILINE | re.DOTALL)
    assert match, f"README has no section '## {title}'"
    return match.group(1)


def make_recipe(target: str) -> list[str]:
    """The command lines of a Makefile target (tab-indented lines after `target:`)."""
    match = re.search(rf"^{target}:[^\n]*\n((?:\t[^\n]*\n)+)", MAKEFILE, re.MULTILINE)
    assert match, f"Makefile has no target {target}"
    return [line.strip() for line in match.group(1).splitlines()]


def test_readme_has_the_two_commands():
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", readme_section("Two commands"), re.DOTALL)
    assert [line for block in blocks for line in block.splitlines()] == ["make run", "make test"]
    assert make_recipe("run")[-1] == "$(BIN)/streamlit run dashboard.py"
    assert make_recipe("test")[-1] == "$(BIN)/python -m pytest"  # after the Debian packages and `make check`
    assert "$(MAKE) --no-print-directory check" in make_recipe("test")
    assert make_recipe("check") == ["$(BIN)/ruff check .", "$(BIN)/ruff format --check .", "$(BIN)/mypy"]
    assert CI.strip().splitlines()[-1] == "exec make test"  # CI runs the README's test command


def test_readme_says_how_to_refresh_the_locks():
    assert "make lock" in readme_section("Pinned installs")
    assert make_recipe("lock") == [
        "$(LOCK) -o tests/requirements.lock requirements.txt tests/requirements.txt",
        "$(LOCK) -c tests/requirements.lock -o requirements.lock requirements.txt",
    ]
    for lock in ("requirements.lock", "tests/requirements.lock"):
        assert (
            (ROOT / lock)
            .read_text(encoding="utf-8")
            .startswith("# This file was autogenerated by uv via the following command:\n#    make lock\n")
        ), lock
