"""The interface's formats (zi.present.labels): numbers with a decimal comma, dates as Indonesian
office documents write them (Babel's `id` locale), rank changes as arrows."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from zi.present.labels import date_text, moment_text, number, percent, rank_change_text

LOADED = dt.datetime(2026, 12, 2, 0, 3, 42, 759969)  # as the ledger keeps it (microseconds)


@pytest.mark.parametrize(
    "value",
    [LOADED, pd.Timestamp(LOADED), np.datetime64("2026-12-02T00:03:42.759969"), "2026-12-02T00:03:42.759969"],
)
def test_a_moment_is_written_to_the_minute_with_the_month_in_words(value):
    assert moment_text(value) == "2 Desember 2026 00.03"
    assert moment_text(value, short=True) == "2 Des 2026 00.03"
    assert date_text(value) == "2 Desember 2026"


def test_every_month_in_indonesian():
    months = [date_text(dt.date(2025, m, 17)).split()[1] for m in range(1, 13)]
    assert months == [
        "Januari", "Februari", "Maret", "April", "Mei", "Juni",
        "Juli", "Agustus", "September", "Oktober", "November", "Desember",
    ]  # fmt: skip
    assert moment_text(dt.datetime(2025, 8, 17, 19, 45)) == "17 Agustus 2025 19.45"
    assert date_text(dt.date(2025, 8, 17), short=True) == "17 Agu 2025"


def test_an_aware_moment_keeps_its_own_clock():
    wib = dt.timezone(dt.timedelta(hours=7))
    assert moment_text(dt.datetime(2026, 12, 2, 7, 30, tzinfo=wib)) == "2 Desember 2026 07.30"


@pytest.mark.parametrize("missing", [None, pd.NaT, float("nan"), np.datetime64("NaT")])
def test_a_missing_moment_is_a_dash(missing):
    assert moment_text(missing) == date_text(missing) == "–"


def test_a_date_without_a_time_is_written_as_a_date():
    assert moment_text(dt.date(2024, 12, 5)) == "5 Desember 2024"


@pytest.mark.parametrize(
    ("change", "text"), [(2, "▲ 2"), (1, "▲ 1"), (-1, "▼ 1"), (-12, "▼ 12"), (0, "–"), (None, "–"), (float("nan"), "–")]
)
def test_rank_change_as_arrows(change, text):
    assert rank_change_text(change) == text


def test_numbers_with_a_decimal_comma():
    assert number(75.3219) == "75,32" and number(1234567.5, 1) == "1.234.567,5" and number(None) == "–"
    assert percent(60) == "60,0 %"
