"""Streamlit pieces every page shares: the warehouse handle, the page header with data status,
URL-bound filters that fall back with a notice, and chart/table display with downloads.

Pages stay short: widgets from here -> a function of `zi.query.queries` -> a function of `zi.present.charts` ->
`show_chart` / `show_table`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from zi.desk import auth
from zi.domain.rules import DATA_DIR, STAGES
from zi.present.exports import csv_for_excel, slug
from zi.present.labels import COLUMN_LABELS, SAMPLE_NOTICE, STAGE_LABELS, markdown_text, moment_text
from zi.query import dataset, queries
from zi.query.db import Warehouse, file_version

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DIR = DATA_DIR / "sample"
SEED_PRACTICES = DATA_DIR / "praktik_baik.csv"  # real, sourced good practices (not sample data)
DEFAULT_PROVINCES = (62, 32)  # the kaji tiru of December 2024: Kalimantan Tengah studies Jawa Barat
PROVINCES_KEY = "provinsi"  # widget and URL key of several provinces (a list of codes)
PROVINCE_KEY = "provinsi_unit"  # ... of one province (a code): Profil, Prioritas, Belajar, Simulasi
CHOSEN_PROVINCE = "provinsi_unit_terakhir"  # session: the last one chosen there, for the next such page
MEETING_UNIT_KEY = "unit_kerja"  # widget and URL key of the learning unit of Paket rapat and Mode presentasi
SCOPES = {"Pemprov saja": "provinsi", "Dengan kab/kota": "semua"}
IMAGE_FORMATS = ("png", "svg")
HIGHLIGHT = "background-color: #fff3cd"  # a row to notice (an answer the TPI changed): a light amber


def db_path() -> Path:
    return Path(os.environ.get("ZI_DB") or DATA_DIR / "zi.duckdb")


@st.cache_resource(max_entries=2, show_spinner=False)
def _open(path: str, version: tuple[int, int, int]) -> Warehouse:
    return Warehouse.open(Path(path))


def dataset_location() -> str | None:
    """`$ZI_DATASET`: a Parquet export (`python -m etl export`, a folder or s3:// URL) to read instead
    of the DuckDB file; see docs/deployment.md."""
    return os.environ.get("ZI_DATASET") or None


@st.cache_resource(max_entries=2, show_spinner=False)
def _open_dataset(location: str, version: tuple[int, int, int]) -> Warehouse:
    return Warehouse.open_dataset(location)


# Object storage: the manifest is fetched at most once a minute per server, not on every rerun.
_remote_version = st.cache_data(ttl=60, show_spinner=False)(dataset.version)


def _dataset_warehouse(location: str) -> Warehouse:
    """The export as it is now (a new export swapped in has a new manifest: caches refresh); never
    built here: a dataset is only ever written by `python -m etl export`."""
    try:
        version = _remote_version(location) if dataset.is_remote(location) else dataset.version(location)
        return _open_dataset(location, version)
    except dataset.DatasetError as error:
        st.error(str(error), icon=":material/error:")
        st.stop()


def warehouse() -> Warehouse:
    """The warehouse as it is now; built from the bundled sample by the ETL on a first start.
    Where sign-in is configured, nobody gets past here without signing in (every page calls this)."""
    auth.require_sign_in()
    if location := dataset_location():
        return _dataset_warehouse(location)
    path = db_path()
    if not path.exists():
        with st.spinner("Menyiapkan gudang data dari data contoh (sekali saja)…"):
            build_sample_warehouse(path)
    return _open(str(path), file_version(path))


def build_sample_warehouse(path: Path) -> None:
    """Run the ETL (a separate process: the dashboard itself never writes) on data/sample and the
    seed good practices."""
    result = subprocess.run(
        [sys.executable, "-m", "etl", "load", str(SAMPLE_DIR), str(SEED_PRACTICES), "--db", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not path.exists():
        st.error("Gudang data contoh tidak dapat dibuat:\n\n" + (result.stdout + result.stderr)[-2000:])
        st.stop()


def page_header(wh: Warehouse, title: str, intro: str | None = None) -> dict:
    """Title, the data-as-of line with sources, and the sample notice while sample data is shown."""
    st.title(title)
    if intro:
        st.caption(intro)
    status = queries.data_status(wh)
    if status["has_sample"]:
        st.warning(SAMPLE_NOTICE, icon=":material/science:")
    files = status["files"] or "–"
    if status["file_count"] and status["file_count"] > 3:
        files = f"{status['file_count']} berkas ({', '.join(files.split(', ')[:3])}, …)"
    # file names are the uploaders' own: shown literally, never as Markdown (a name may hold a link)
    st.caption(
        f"Data per {moment_text(status['loaded_at'])}, sumber: {markdown_text(files)}"
        + (" — **data contoh**" if status["has_sample"] else "")
    )
    return status


# -- URL-bound filters ------------------------------------------------------------------------------
def notice_if_invalid(key: str, valid_labels: list[str], fallback: str, allow_empty: bool = False) -> None:
    """A link may carry a value that no longer exists: say so (Streamlit then drops it).
    `allow_empty`: a multiselect writes its empty selection to the URL as `key=` (a valid view)."""
    raw = st.query_params.get_all(key)
    bad = [value for value in raw if value not in valid_labels and not (allow_empty and value == "")]
    if bad:
        st.info(f"Nilai tautan '{key}' tidak dikenal ({markdown_text(', '.join(bad))}); {fallback}.", icon=":material/link_off:")


def province_filter(wh: Warehouse, multi: bool = True, label: str = "Provinsi") -> list[int]:
    """The provinces a page shows: several (a multiselect, URL key `provinsi`) or, with `multi=False`,
    one (a selectbox, URL key `provinsi_unit`). Two keys because a widget key holds one type: Streamlit
    keeps a bound widget's value across pages, and one key for both once handed a list to a selectbox."""
    available = queries.provinces_available(wh)
    names = dict(zip(available["province_code"].astype(int), available["province"], strict=True))
    defaults = [code for code in DEFAULT_PROVINCES if code in names] or list(names)[:2]
    if not multi:
        return _one_province(names, defaults[0], label)
    # a multiselect keeps the link's known provinces and drops the rest; the notice says which happens
    kept = any(value in names.values() for value in st.query_params.get_all(PROVINCES_KEY))
    notice_if_invalid(
        PROVINCES_KEY,
        list(names.values()),
        "memakai provinsi lain dari tautan" if kept else "memakai pilihan bawaan",
        allow_empty=True,
    )
    return st.multiselect(
        label,
        list(names),
        default=defaults,
        format_func=names.__getitem__,
        key=PROVINCES_KEY,
        bind="query-params",
        help="Pilih dua provinsi atau lebih untuk dibandingkan",
    )


def _one_province(names: dict[int, str], default: int, label: str) -> list[int]:
    """One province: the link's `provinsi_unit`; else the one chosen earlier in this session (a page
    switch drops the URL parameter); else the first known province of `provinsi` (a link copied
    before this picker had its own key, or the provinces chosen on another page); else the default.

    Kept in the URL by this function, not by Streamlit's binding: a bound selectbox needs no default
    to take a value set from the session state without a warning, and then it can be cleared, while
    its URL parameter can no longer be set. Here the start is the widget's default (never set
    through the session state), the widget cannot be cleared, and the choice is written to the URL
    on every run, so a copied link reopens it."""
    notice_if_invalid(PROVINCE_KEY, list(names.values()), "memakai pilihan bawaan")
    from_link = st.query_params.get_all(PROVINCES_KEY)  # not bound on this page: ours to read and drop
    if from_link:
        known = [value for value in from_link if value in names.values()]
        notice_if_invalid(PROVINCES_KEY, list(names.values()), f"memakai {known[0]}" if known else "memakai pilihan bawaan")
        del st.query_params[PROVINCES_KEY]
    codes = {name: code for code, name in names.items()}
    candidates = [
        codes.get(st.query_params.get(PROVINCE_KEY, "")),
        st.session_state.get(CHOSEN_PROVINCE),
        *(codes.get(value) for value in from_link),
        *st.session_state.get(PROVINCES_KEY, []),
    ]
    start = next((code for code in candidates if code in names), default)
    options = list(names)
    chosen = st.selectbox(label, options, index=options.index(start), format_func=names.__getitem__, key=PROVINCE_KEY)
    st.session_state[CHOSEN_PROVINCE] = chosen
    st.query_params[PROVINCE_KEY] = names[chosen]
    return [chosen]


def year_filter(wh: Warehouse, key: str = "tahun", label: str = "Tahun penilaian", default: int | None = None) -> int:
    years = queries.years_available(wh)
    notice_if_invalid(key, [str(y) for y in years], "memakai tahun terbaru")
    index = years.index(default) if default in years else 0
    return st.selectbox(label, years, index=index, key=key, bind="query-params")


def stage_filter(key: str = "tahap", default: str = "TPI") -> str:
    notice_if_invalid(key, list(STAGES), f"memakai {default}")
    return st.segmented_control(
        "Tahap penilaian",
        list(STAGES),
        default=default,
        required=True,
        key=key,
        bind="query-params",
        help=" · ".join(STAGE_LABELS.values()),
    )


def predicate_filter(key: str = "predikat") -> str:
    notice_if_invalid(key, ["WBK", "WBBM"], "memakai WBK")
    return st.segmented_control(
        "Predikat",
        ["WBK", "WBBM"],
        default="WBK",
        required=True,
        key=key,
        bind="query-params",
        help="Menuju WBK, atau Menuju WBBM (perlu WBK pada tahun sebelumnya)",
    )


def scope_filter(key: str = "cakupan") -> str:
    notice_if_invalid(key, list(SCOPES), "memakai pemerintah provinsi saja")
    chosen = st.segmented_control(
        "Cakupan",
        list(SCOPES),
        default="Pemprov saja",
        required=True,
        key=key,
        bind="query-params",
        help="Perangkat daerah pemerintah provinsi saja, atau juga kabupaten/kota di provinsi itu",
    )
    return SCOPES[chosen]


def meeting_unit_filter(wh: Warehouse, province: int, year: int, stage: str, scope: str, label: str) -> str | None:
    """One unit of `province` scored at `stage` in `year`, or None for the province as a whole (URL key
    `unit_kerja`, shared by Paket rapat and Mode presentasi, so the meeting's unit travels between them
    and in a link). A unit named like one of another instansi is shown with its instansi, so every
    label (what the URL holds) names one unit; a unit the new choice of province or year lacks falls
    back to the province."""
    units = queries.unit_totals(wh, year, stage, scope, [province])
    repeated = set(units.loc[units["unit"].duplicated(keep=False), "unit"])
    labels: dict[str | None, str] = {
        None: "Provinsi secara keseluruhan",
        **{
            row.unit_id: f"{row.unit} ({row.instansi})" if row.unit in repeated else row.unit
            for row in units.sort_values("unit").itertuples()
        },
    }
    notice_if_invalid(MEETING_UNIT_KEY, list(labels.values()), "memakai provinsi secara keseluruhan")
    return st.selectbox(
        label,
        list(labels),
        format_func=labels.__getitem__,
        key=MEETING_UNIT_KEY,
        bind="query-params",
        help="Satu unit provinsi pertama: langkah perbaikan per butir LKE unit itu, unit teladan untuk butirnya, serta "
        "prioritas dan unit pembanding untuk unit itu. Tanpa pilihan: provinsi pertama secara keseluruhan.",
    )


def year_stage_scope(wh: Warehouse) -> tuple[int, str, str]:
    """The row of filters most pages share: year, stage, scope (all in the URL)."""
    year, stage, _, scope = _filter_row(wh, with_predicate=False)
    return year, stage, scope


def year_stage_predicate_scope(wh: Warehouse) -> tuple[int, str, str, str]:
    """The same row with the predicate (WBK/WBBM), for the kaji tiru pages."""
    year, stage, predicate, scope = _filter_row(wh, with_predicate=True)
    assert predicate is not None  # asked for
    return year, stage, predicate, scope


def _filter_row(wh: Warehouse, with_predicate: bool) -> tuple[int, str, str | None, str]:
    columns = iter(st.columns([1, 1, 1, 1.3] if with_predicate else [1, 1, 1.3]))  # scope's two labels need room
    with next(columns):
        year = year_filter(wh)
    with next(columns):
        stage = stage_filter()
    predicate = None
    if with_predicate:
        with next(columns):
            predicate = predicate_filter()
    with next(columns):
        scope = scope_filter()
    return year, stage, predicate, scope


# -- output ---------------------------------------------------------------------------------------
def chart_config(name: str) -> dict:
    """Toolbar download at presentation resolution (1600x900 at 2x), format chosen in the sidebar."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {
            "format": st.session_state.get("format_gambar", "png"),
            "filename": name,
            "width": 1600,
            "height": 900,
            "scale": 2,
        },
    }


def show_chart(fig, *name: object) -> None:
    """A chart whose toolbar download is named after what it shows (`name` parts, see slug)."""
    key = slug(*name)
    st.plotly_chart(fig, config=chart_config(key), key=key)


def show_table(
    frame: pd.DataFrame,
    name: tuple,
    columns: dict[str, str] | None = None,
    decimals: int = 2,
    key: str | None = None,
    formats: dict[str, Callable[[Any], str]] | None = None,
    highlight: str | None = None,
    links: dict[str, str] | None = None,
) -> None:
    """A table with Indonesian headers, decimal comma and dates as '2 Desember 2026 00.03', and its
    CSV download for Excel. `name` is a tuple of parts naming the table (see slug), used for the file
    and widget keys; `formats` shows a column's values through a function of zi.present.labels
    (e.g. rank_change_text) while the table sorts, and the CSV holds, the values themselves.
    `highlight` names a true/false column whose true rows are shaded; `links` maps a column of
    in-app addresses (`profil?unit=…`) to the text its links show (the CSV keeps the addresses)."""
    stem = slug(*name)
    labels = {c: (columns or {}).get(c) or COLUMN_LABELS.get(c, c) for c in frame.columns}
    shown = frame.rename(columns=labels).reset_index(drop=True)
    link_columns = {labels[c]: st.column_config.LinkColumn(display_text=text) for c, text in (links or {}).items()}
    own = {labels[c]: format_ for c, format_ in (formats or {}).items()}
    moments = [c for c in shown.columns if pd.api.types.is_datetime64_any_dtype(shown[c]) and c not in own]
    own |= dict.fromkeys(moments, moment_text)
    numeric = [c for c in shown.columns if pd.api.types.is_float_dtype(shown[c]) and c not in own]
    text = [c for c in shown.columns if c not in numeric and c not in own]
    # st.dataframe draws a missing cell as "None" whatever a Styler's na_rep says: text columns get "–"
    # in the displayed copy (numbers keep their type, so they still sort as numbers; the CSV keeps empties)
    display = shown.copy()
    for column in text:
        if pd.api.types.is_object_dtype(display[column]) or pd.api.types.is_string_dtype(display[column]):
            display[column] = display[column].astype(object).where(display[column].notna(), "–")
    if shown.size <= pd.get_option("styler.render.max_elements"):
        styled = display.style.format(precision=decimals, decimal=",", thousands=".", subset=numeric, na_rep="–").format(
            na_rep="–", subset=text
        )
        for column, format_ in own.items():  # shown formatted, kept as they are underneath: times sort in time order
            styled = styled.format(format_, subset=[column])
        if highlight:
            marked = shown[labels[highlight]].fillna(False).astype(bool).to_numpy()
            styled = styled.apply(lambda row: [HIGHLIGHT if marked[row.name] else ""] * len(row), axis=1)
        st.dataframe(styled, hide_index=True, key=f"tabel_{key or stem}", column_config=link_columns)
    else:  # a Styler refuses (StreamlitAPIException) past this many cells; numbers in the browser's locale
        for column, format_ in own.items():
            display[column] = display[column].map(format_)
        st.dataframe(
            display,
            hide_index=True,
            key=f"tabel_{key or stem}",
            column_config={c: st.column_config.NumberColumn(format="localized") for c in numeric} | link_columns,
        )
    st.download_button(
        "Unduh CSV (Excel)",
        csv_for_excel(shown),
        file_name=f"{stem}.csv",
        mime="text/csv",
        icon=":material/download:",
        key=f"unduh_{key or stem}",
        on_click="ignore",
    )


def on_demand(label: str, key: str) -> DeltaGenerator | None:
    """A collapsed section whose content is built only once it is opened (opening reruns the page),
    or None while it is closed. A table there costs neither its query nor, in the browser, the table
    component's code, which would otherwise load before the page's first chart is drawn."""
    section = st.expander(label, on_change="rerun", key=f"buka_{key}")
    return section if section.open else None


def empty_notice(message: str) -> None:
    st.info(message, icon=":material/info:")
