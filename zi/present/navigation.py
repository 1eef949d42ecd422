"""The dashboard's pages by section: file, title, icon and URL of each.

The one list `zi/app.py` builds `st.navigation` from, and that the tests and benchmarks read (every
page file registered, every URL unique). URLs are what copied links carry: change one and old links
open the default page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class PageEntry:
    file: str  # relative to the checkout, e.g. "pages/dasbor/ringkasan.py"
    title: str
    icon: str
    url_path: str
    default: bool = False  # the page of the root URL (Streamlit gives it "/" whatever url_path says)

    @property
    def path(self) -> Path:
        return ROOT / self.file


SECTIONS: dict[str, tuple[PageEntry, ...]] = {
    "Dasbor": (
        PageEntry("pages/dasbor/ringkasan.py", "Ringkasan", ":material/dashboard:", "ringkasan", default=True),
        PageEntry("pages/dasbor/bandingkan.py", "Bandingkan Provinsi", ":material/compare_arrows:", "bandingkan"),
        PageEntry("pages/dasbor/tren.py", "Tren menuju WBK", ":material/trending_up:", "tren"),
        PageEntry("pages/dasbor/profil_unit.py", "Profil Unit Kerja", ":material/apartment:", "profil"),
    ),
    "Kaji tiru": (
        PageEntry("pages/kaji_tiru/jarak.py", "Jarak ke WBK/WBBM", ":material/flag:", "jarak"),
        PageEntry("pages/kaji_tiru/prioritas.py", "Prioritas perbaikan", ":material/low_priority:", "prioritas"),
        PageEntry("pages/kaji_tiru/belajar.py", "Belajar dari siapa", ":material/school:", "belajar"),
        PageEntry("pages/kaji_tiru/praktik.py", "Praktik baik", ":material/lightbulb:", "praktik"),
        PageEntry("pages/kaji_tiru/kalibrasi.py", "Kalibrasi penilai", ":material/balance:", "kalibrasi"),
        PageEntry("pages/kaji_tiru/simulasi.py", "Simulasi target", ":material/tune:", "simulasi"),
        PageEntry("pages/kaji_tiru/paket.py", "Paket rapat", ":material/inventory_2:", "paket"),
        PageEntry("pages/kaji_tiru/presentasi.py", "Mode presentasi", ":material/co_present:", "presentasi"),
    ),
    "Tentang data": (
        PageEntry("pages/data/metodologi.py", "Metodologi & Sumber", ":material/menu_book:", "metodologi"),
        PageEntry("pages/data/unggah.py", "Unggah Data", ":material/upload_file:", "unggah"),
        PageEntry("pages/data/riwayat.py", "Riwayat Muatan", ":material/history:", "riwayat"),
        PageEntry("pages/data/usulan.py", "Usulan PortalRB", ":material/send:", "usulan"),
    ),
}


def all_pages() -> list[PageEntry]:
    return [page for pages in SECTIONS.values() for page in pages]


def unit_label(unit: str, instansi: str) -> str:
    """How Profil Unit Kerja names a unit in its picker, and so in its link (`unit=`)."""
    return f"{unit} — {instansi}"


def profile_link(province: str, unit: str, instansi: str, year: int) -> str:
    """The in-app address of a unit's profile for a year (relative: it works under any base path)."""
    page = next(p for p in all_pages() if p.file == "pages/dasbor/profil_unit.py")
    query = {"provinsi_unit": province, "unit": unit_label(unit, instansi), "tahun_unit": int(year)}
    return f"{page.url_path}?{urlencode(query)}"
