"""Mode presentasi: the meeting pack on the meeting-room screen, one chart (or one table) per screen in
the order of the PowerPoint deck, large type and little chrome. Screen n is slide n + 1 of the deck
(the title screen holds the agenda): a table that continues on a next slide continues on a next
screen with the same rows, and the sources its rows cite are listed under it.

The screen number is in the URL (`?slide=3`), the selection in the same URL keys as the other pages
(provinsi, tahun, tahap, predikat, cakupan) and the learning unit in Paket rapat's (`unit_kerja`), so a
link opens the meeting where it was left. The filters sit in a collapsed expander; the charts are the
dashboard's own, enlarged, with the key figures a slide shows beside its chart above it."""

import streamlit as st

from zi.meeting.content import model
from zi.meeting.content.pack import cached_pack
from zi.meeting.render import deck, screens
from zi.present import ui
from zi.present.labels import SAMPLE_NOTICE, markdown_text

# Static CSS only, no data in it: hide the sidebar and Streamlit's header, use the whole width,
# and enlarge headings and tables for the back of the room; table headers wrap and long text takes
# the width it needs (Streamlit caps a cell at 400 px), so a table screen is as tall as its slide.
st.markdown(
    """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"] { display: none; }
[data-testid="stMainBlockContainer"] { padding-top: 1.5rem; max-width: 100%; }
h1 { font-size: 3rem !important; }
[data-testid="stTable"] table, [data-testid="stTable"] th, [data-testid="stTable"] td { font-size: 1.3rem; }
[data-testid="stTable"] th { white-space: normal; vertical-align: bottom; }
[data-testid="stTable"] td [data-testid="stMarkdownContainer"] { max-width: none; }
[data-testid="stCaptionContainer"] { font-size: 1.05rem; }
[data-testid="stMarkdownContainer"] li { font-size: 1.6rem; }
h2 { font-size: 2rem !important; }
</style>
""",
    unsafe_allow_html=True,
)

wh = ui.warehouse()
with st.expander("Pilihan rapat", icon=":material/tune:"):
    provinces = ui.province_filter(wh, label="Provinsi (pertama: yang belajar; kedua: yang dikunjungi)")
    year, stage, predicate, scope = ui.year_stage_predicate_scope(wh)
    unit_id = (
        ui.meeting_unit_filter(wh, provinces[0], year, stage, scope, "Unit kerja (untuk butir yang perlu diperbaiki)")
        if provinces
        else None
    )
    st.markdown("Keluar dari mode presentasi: [Paket rapat](paket) · [Ringkasan](ringkasan)")
if len(provinces) < 2:
    ui.empty_notice("Pilih dua provinsi atau lebih di *Pilihan rapat*: provinsi pertama belajar dari provinsi kedua.")
    st.stop()

pack = cached_pack(wh, model.Selection(tuple(provinces), year, stage, scope, predicate, unit_id))
planned = deck.cached_screens(pack)
count = len(planned) + 1  # a title screen, then one screen per slide of the sections
ui.notice_if_invalid("slide", [str(n) for n in range(1, count + 1)], "menampilkan layar pertama")
screen = st.container()
slide = st.pagination(count, key="slide", bind="query-params", max_visible_pages=count, width="stretch")

with screen:
    if slide == 1:
        st.title(pack.title)
        st.header(markdown_text(pack.subtitle))
        st.subheader(pack.detail)
        if pack.sample:
            st.warning(SAMPLE_NOTICE, icon=":material/science:")
        st.markdown("\n".join(f"{number}. {markdown_text(title)}" for number, title in enumerate(model.agenda(pack), start=1)))
    else:
        key, title, rows = planned[slide - 2]
        section = pack.section(key)
        figure = screens.screen_chart(pack, section, title, rows)
        if figure is None:  # a chart carries the section title itself, in the same large type
            st.header(markdown_text(title))
        if section.empty:
            ui.empty_notice(section.empty)
        elif figure is not None:
            ui.show_chart(figure, "presentasi", key, year, stage, "-".join(pack.names.values()))
            if section.figures:  # the key figures the slide shows beside its chart
                for column, (label, value) in zip(st.columns(len(section.figures)), section.figures, strict=True):
                    column.metric(markdown_text(label), value)
        elif key == "sumber":
            facts = screens.screen_facts(pack)
            st.table(facts if rows is None else facts.iloc[list(rows)], hide_index=True)
        else:
            for table in section.tables:
                shown, sources = screens.screen_rows(pack.tables[table], rows)
                st.table(shown, hide_index=True)
                for source in sources:
                    st.caption(source)
        st.caption(markdown_text(section.caption))
    st.caption(f"{markdown_text(pack.footer)} · layar {slide}/{count}" + (" · :red[**DATA CONTOH**]" if pack.sample else ""))
