"""The Streamlit script of the dashboard: page routing and the shared sidebar, nothing else.

Streamlit runs this file for every session (dashboard.py points the server at it; see there why it
is not dashboard.py itself). The pages are listed in `zi.present.navigation`; each is one file under
`pages/<section>/`. On a first start without a warehouse, the first page's `ui.warehouse()` has the
ETL build `data/zi.duckdb` from the bundled sample in `data/sample/` (or `$ZI_DB`).
"""

import streamlit as st

from zi.present.navigation import SECTIONS
from zi.present.ui import IMAGE_FORMATS

st.set_page_config(page_title="Dasbor Kaji Tiru ZI", page_icon=":material/verified:", layout="wide")

navigation = st.navigation(
    {
        section: [
            st.Page(page.path, title=page.title, icon=page.icon, url_path=page.url_path, default=page.default) for page in pages
        ]
        for section, pages in SECTIONS.items()
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
