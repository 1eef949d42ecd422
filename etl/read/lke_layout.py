"""Which row of an LKE sheet is which item: the sheet's rows aligned, in order, with the bank's outline.

Real copies differ in row numbers (PortalRB's template is two to three rows off LAMPIRAN III), in where a
marker stands (`a.` in its own cell or before the text), in wording (LAMPIRAN III words a few `Jumlah` rows
differently) and in typing. So rows are never found by position: the outline of the instrument (parts,
halves, areas, sub-areas and their items, in LKE order, with their wording from the bank and the rules
file) is aligned with the sheet's labelled rows by a monotone alignment that maximises the similarity of
wording, helped by what column J says a row's answer type is. The same template gives the same labels, so
an alignment is computed once per distinct layout and reused (see `etl.read.lke_workbook`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from zi.domain.bank import Bank
from zi.domain.rules import AREAS, Rules

MARKER = re.compile(r"^\s*([A-Za-z]|[IVXivx]{1,4}|\d{1,2})[.)]\s*(?=\S|$)|^\s*[-–•]\s*")
STOPWORDS = frozenset({"dan", "yang", "di", "ke", "dari", "untuk", "dengan", "atau", "pada", "dalam", "oleh", "serta", "telah"})
MATCH_AT = 0.5  # similarity from which a row may stand for an outline entry
TYPE_BONUS, TYPE_PENALTY, HEADING_PENALTY = 0.15, 0.1, 0.3


@dataclass(frozen=True)
class Entry:
    """One line of the instrument's outline."""

    kind: str  # heading | item
    code: str  # heading: PENGUNGKIT/HASIL, a half (MP-PEMENUHAN under its area), a sub-area, a result group; item: its code
    level: str  # heading: part, half, area, subarea, group; item: the bank's kind
    words: tuple[frozenset[str], ...]  # the wording(s) as token sets


@dataclass(frozen=True)
class Row:
    """A labelled row of the sheet, as the alignment sees it."""

    text: str  # the label without its marker
    type_label: str  # column J, normalised ("" when empty)


@dataclass(frozen=True, eq=False)  # hashed by identity: one layout object per template (see lke_workbook._layout)
class Layout:
    items: dict[str, int]  # item code -> index of its row in the rows given
    headings: dict[str, int]  # heading code -> row index (parts, halves under areas, sub-areas, groups)
    totals: dict[str, int]  # total_pengungkit / total_hasil / total -> row index
    unmatched: tuple[int, ...]  # labelled rows that are none of these (a title, a signature, or a stray item)


def tokens(text: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOPWORDS)


def split_marker(text: str) -> tuple[str, str]:
    """`a. Unit kerja ...` -> ('a', 'Unit kerja ...'); `- Jumlah ...` -> ('-', 'Jumlah ...')."""
    match = MARKER.match(text)
    if not match:
        return "", text.strip()
    marker = (match.group(1) or "-").strip()
    return marker, text[match.end() :].strip()


def normal_type(label: object) -> str:
    return re.sub(r"\s+", "", str(label or "")).lower()


@lru_cache(maxsize=4)
def outline(bank: Bank, rules: Rules) -> tuple[Entry, ...]:
    """The instrument in LKE order: PENGUNGKIT, each half, its areas, their sub-areas and items; HASIL,
    its result groups and items. Words come from the bank (questions, their variants, sub-area names)
    and from the rules file (areas, halves, groups) and [lke.outline] (parts)."""
    rubric = bank.rubric
    entries: list[Entry] = [Entry("heading", "PENGUNGKIT", "part", (tokens(bank.outline["pengungkit"]),))]
    areas = {a.code: a for a in rules.indicators(rubric, "area")}
    subarea_names = {s.code: s.name for s in rules.indicators(rubric, "subarea")}
    for half in rules.rubrics[rubric].halves:
        entries.append(Entry("heading", half.upper(), "part", (tokens(half),)))
        for area in AREAS:
            code = f"{area}-{half.upper()}"
            entries.append(Entry("heading", code, "area", (tokens(areas[area].name),)))
            parents_done: set[str] = set()
            for subarea, items in bank.subareas.items():
                first = items[0]
                if first.area != area or first.part != half:
                    continue
                if first.parent and first.parent not in parents_done:
                    parents_done.add(first.parent)
                    entries.append(Entry("heading", first.parent, "subarea", (tokens(subarea_names[first.parent]),)))
                entries.append(Entry("heading", subarea, "subarea", (tokens(first.subarea_name),)))
                entries += _items(bank, subarea)
    entries.append(Entry("heading", "HASIL", "part", (tokens(bank.outline["hasil"]),)))
    for group in rules.indicators(rubric, "group"):
        results = [r.code for r in rules.indicators(rubric, "result") if r.parent == group.code]
        names = {tokens(group.name)} | {tokens(i.subarea_name) for i in bank.items if i.area in results}
        entries.append(Entry("heading", group.code, "group", tuple(names)))
        for result in results:
            entries += _items(bank, result)
    return tuple(entries)


def _items(bank: Bank, subarea: str) -> list[Entry]:
    found = []
    for item in bank.items:
        if item.subarea == subarea:
            words = (tokens(item.question), *(tokens(v) for v in item.variants))
            found.append(Entry("item", item.code, item.kind, words))
    return found


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice coefficient of two token sets (1 = the same words)."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def align(bank: Bank, rules: Rules, rows: tuple[Row, ...]) -> Layout:
    """The layout of a sheet whose labelled rows are `rows`, in order."""
    entries = outline(bank, rules)
    labels = {kind: {normal_type(label) for label in names} for kind, names in bank.type_labels.items()}
    known_types = set().union(*labels.values())
    row_words = [tokens(r.text) for r in rows]
    totals = {key: tokens(bank.outline[key]) for key in ("total_pengungkit", "total_hasil", "total")}
    total_rows: dict[str, int] = {}
    for index, words in enumerate(row_words):
        for key, wanted in totals.items():
            if words and words == wanted and key not in total_rows:
                total_rows[key] = index

    def score(i: int, j: int) -> float:
        row, entry = rows[i], entries[j]
        best = max(similarity(row_words[i], w) for w in entry.words)
        if best < MATCH_AT - TYPE_BONUS:
            return 0.0
        if entry.kind == "item" and row.type_label:
            best += TYPE_BONUS if row.type_label in labels.get(entry.level, ()) else -TYPE_PENALTY
        elif entry.kind == "heading" and row.type_label in known_types:
            best -= HEADING_PENALTY
        return best

    n, m = len(rows), len(entries)
    # best[i][j]: the best total over rows[:i] and entries[:j]; a match earns (similarity - threshold)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[0] * (m + 1) for _ in range(n + 1)]  # 0 skip row, 1 skip entry, 2 match
    for i in range(1, n + 1):
        skip_rows, previous, here, step = best[i - 1], best[i - 1], best[i], move[i]
        candidate = i - 1 not in total_rows.values() and bool(row_words[i - 1])
        for j in range(1, m + 1):
            value, choice = skip_rows[j], 0
            if here[j - 1] > value:
                value, choice = here[j - 1], 1
            if candidate:
                s = score(i - 1, j - 1)
                if s >= MATCH_AT and previous[j - 1] + s - MATCH_AT + 1e-6 > value:
                    value, choice = previous[j - 1] + s - MATCH_AT + 1e-6, 2
            here[j], step[j] = value, choice
    items: dict[str, int] = {}
    headings: dict[str, int] = {}
    i, j = n, m
    while i > 0 and j > 0:
        choice = move[i][j]
        if choice == 2:
            entry = entries[j - 1]
            (items if entry.kind == "item" else headings)[entry.code] = i - 1
            i, j = i - 1, j - 1
        elif choice == 1:
            j -= 1
        else:
            i -= 1
    matched = set(items.values()) | set(headings.values()) | set(total_rows.values())
    return Layout(items, headings, total_rows, tuple(i for i in range(len(rows)) if i not in matched))
