"""Dasbor Kaji Tiru Zona Integritas: `streamlit run dashboard.py` (or `uvicorn dashboard:app`).

This file only names the script Streamlit runs for every session, `zi/app.py` (the page list and
the shared sidebar); `streamlit run` serves a file that defines an `st.App`.

Why not run the pages from here: Streamlit decides once per server process, when the first session
starts, whether the app is a legacy multipage app, by whether a folder named `pages` sits next to
the script it runs (`PagesManager.uses_pages_directory`, Streamlit 1.67). With that script here,
next to `pages/`, the first session after every start ran in that mode until its st.navigation call
switched it off; so the first link opened after a restart (`/bandingkan`, a colleague's copied link)
drew "Page not found" over the right page. `zi/` has no `pages` folder: no session starts in that
mode, and no code has to run before the first session (plain `streamlit run` offers no such hook;
switching the mode off there would also lean on Streamlit's internals instead of its documented
`pages/` rule).
"""

import streamlit as st

app = st.App("zi/app.py")
