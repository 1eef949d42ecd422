"""Dasbor Kaji Tiru Zona Integritas: entry point. Page routing, the shared sidebar, nothing else.

Pages live one level down (`pages/<section>/`): Streamlit still runs a *top-level* `pages/*.py` file
directly on the first request after a server start (its legacy multipage mode), which would bypass
this file; with no top-level page files, every request goes through `st.navigation` here.

Run with `streamlit run dashboard.py`. The warehouse is `data/zi.duckdb` (or `$ZI_DB`); on a first
start without it, the ETL builds it from the bundled sample in `data/sample/`.
"""

import streamlit as st

from zi.present.ui import IMAGE_FORMATS

st.set_page_config(page_title="Dasbor Kaji Tiru ZI", page_icon=":material/verified:", layout="wide")

navigation = st.navigation(
    {
        "Dasbor": [
            st.Page(
                "pages/dasbor/ringkasan.py", title="Ringkasan", icon=":material/dashboard:", url_path="ringkasan", default=True
            ),
            st.Page(
                "pages/dasbor/bandingkan.py", title="Bandingkan Provinsi", icon=":material/compare_arrows:", url_path="bandingkan"
            ),
            st.Page("pages/dasbor/tren.py", title="Tren menuju WBK", icon=":material/trending_up:", url_path="tren"),
            st.Page("pages/dasbor/profil_unit.py", title="Profil Unit Kerja", icon=":material/apartment:", url_path="profil"),
        ],
        "Kaji tiru": [
            st.Page("pages/kaji_tiru/jarak.py", title="Jarak ke WBK/WBBM", icon=":material/flag:", url_path="jarak"),
            st.Page(
                "pages/kaji_tiru/prioritas.py", title="Prioritas perbaikan", icon=":material/low_priority:", url_path="prioritas"
            ),
            st.Page("pages/kaji_tiru/belajar.py", title="Belajar dari siapa", icon=":material/school:", url_path="belajar"),
            st.Page("pages/kaji_tiru/praktik.py", title="Praktik baik", icon=":material/lightbulb:", url_path="praktik"),
            st.Page("pages/kaji_tiru/kalibrasi.py", title="Kalibrasi penilai", icon=":material/balance:", url_path="kalibrasi"),
            st.Page("pages/kaji_tiru/simulasi.py", title="Simulasi target", icon=":material/tune:", url_path="simulasi"),
            st.Page("pages/kaji_tiru/paket.py", title="Paket rapat", icon=":material/inventory_2:", url_path="paket"),
            st.Page(
                "pages/kaji_tiru/presentasi.py", title="Mode presentasi", icon=":material/co_present:", url_path="presentasi"
            ),
        ],
        "Tentang data": [
            st.Page("pages/data/metodologi.py", title="Metodologi & Sumber", icon=":material/menu_book:", url_path="metodologi"),
            st.Page("pages/data/unggah.py", title="Unggah Data", icon=":material/upload_file:", url_path="unggah"),
            st.Page("pages/data/riwayat.py", title="Riwayat Muatan", icon=":material/history:", url_path="riwayat"),
        ],
    },
    expanded=True,
)

with st.sidebar:
    st.segmented_control(
        "Format unduhan grafik",
        IMAGE_FORMATS,
        default="png",
        required=True,
        key="format_gambar",
        format_func=str.upper,
        help="Tombol kamera di pojok grafik mengunduh gambar resolusi presentasi dalam format ini",
    )
    st.caption("Dasbor Kaji Tiru ZI · Inspektorat Daerah")

navigation.run()
