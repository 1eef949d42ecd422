"""Read PortalRB's answers of one unit (the JSON that `GET /lke/jawaban-unit/{unit_id}` returns, 2026):
`{"unit_id", "nama_unit", "tahun", "answers": [{"soal_id", "jawaban_unit", "jawaban_tpi", "catatan_unit",
"bukti_dukung_unit", "catatan_tpi"}, ...]}`.

`soal_id` refers to the bank's PortalRB ids (every answered item and every `Jumlah` input; `%` items are
computed, not sent). The unit's answers are the SA stage; the TPI's answers the TPI stage, where the TPI has
answered (a file whose `jawaban_tpi` are all empty has no TPI stage). A problem names the answer's place in
the list (`answers[11]`, the twelfth) and its `soal_id`.
"""

from __future__ import annotations

import json

import pyarrow as pa

from etl.problems import FileRefused, Problem
from etl.read.lke_content import ItemAnswer, LkeContent, LkeStage, finding_problem
from etl.read.source import Source
from zi.domain.bank import COMPUTED_KIND, TOTAL_KIND, load_bank
from zi.domain.rules import Rules
from zi.domain.scoring import Given, is_empty, score

STAGE_KEYS = (("SA", "jawaban_unit", "catatan_unit", "bukti_dukung_unit"), ("TPI", "jawaban_tpi", "catatan_tpi", None))


def looks_like_json(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


def read_portalrb_json(data: bytes, name: str, sha256: str, rules: Rules):
    """The answers as a Source of kind `lke`; FileRefused if it is not PortalRB's answers JSON."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FileRefused(Problem(name, None, None, None, f"bukan JSON yang sah ({error.__class__.__name__})")) from None
    if not isinstance(document, dict) or not isinstance(document.get("answers"), list):
        raise FileRefused(
            Problem(
                name,
                None,
                "answers",
                None,
                "bukan jawaban PortalRB: perlu objek dengan unit_id, nama_unit, tahun, dan daftar answers",
            )
        )
    bank = load_bank(rules)
    by_id = bank.by_soal_id
    problems: list[Problem] = []
    seen: dict[int, int] = {}
    rows: dict[int, tuple[int, dict]] = {}  # soal_id -> (position, answer)
    for position, answer in enumerate(document["answers"]):
        place = f"answers[{position}]"
        if not isinstance(answer, dict):
            problems.append(Problem(name, position + 1, None, str(answer)[:60], "jawaban harus objek JSON", cell=place))
            continue
        soal = answer.get("soal_id")
        soal_id = soal if isinstance(soal, int) and not isinstance(soal, bool) else None
        if soal_id is None and isinstance(soal, str) and soal.strip().isdigit():
            soal_id = int(soal)
        if soal_id not in by_id:
            problems.append(
                Problem(
                    name,
                    position + 1,
                    "soal_id",
                    None if soal is None else str(soal),
                    "soal_id tidak dikenal di bank soal (data/lke_questions.csv)",
                    cell=place,
                )
            )
            continue
        if soal_id in seen:
            problems.append(
                Problem(
                    name,
                    position + 1,
                    "soal_id",
                    str(soal_id),
                    f"soal_id yang sama sudah ada di answers[{seen[soal_id]}]",
                    cell=place,
                    item=by_id[soal_id].code,
                )
            )
            continue
        seen[soal_id] = position
        rows[soal_id] = (position, answer)
    content = LkeContent("portalrb_json", unit_name=_text(document.get("nama_unit")), unit_id=_text(document.get("unit_id")))
    year = document.get("tahun")
    if year is not None:
        if isinstance(year, int) and not isinstance(year, bool):
            content.year = year
        elif isinstance(year, str) and year.strip().isdigit():
            content.year = int(year)
        else:
            problems.append(Problem(name, None, "tahun", str(year), "tahun harus bilangan bulat, mis. 2025"))
    for stage, answer_key, note_key, evidence_key in STAGE_KEYS:
        answers = {}
        for soal_id, (position, answer) in rows.items():
            item = by_id[soal_id]
            answers[item.code] = ItemAnswer(
                item.code,
                answer.get(answer_key),
                _text(answer.get(note_key)),
                _text(answer.get(evidence_key)) if evidence_key else None,
                position + 1,
                f"answers[{position}]",
                answer_key,
            )
        if stage != "SA" and all(is_empty(a.raw) for a in answers.values()):
            continue  # the TPI has not answered yet
        given = {c: Given(a.raw, a) for c, a in answers.items()}
        stage_score = score(bank, rules, given)
        for finding in stage_score.findings:
            if finding.where is None and stage != "SA":
                continue  # a missing soal_id is said once, for the unit's answers
            problem = finding_problem(name, None, finding, stage)
            if finding.where is None:
                item = bank.item(finding.code)
                problem = Problem(name, None, "soal_id", str(item.soal_id), "soal_id ini tidak ada di answers", item=item.code)
            problems.append(problem)
        content.stages.append(LkeStage(stage, answers, stage_score))
    expected = {i.soal_id for i in bank.items if i.soal_id is not None and i.kind not in (COMPUTED_KIND, TOTAL_KIND)}
    assert expected <= set(by_id)
    dialect: dict[str, object] = {"format": "json", "bentuk": content.shape, "tahap": ", ".join(s.stage for s in content.stages)}
    source = Source(name, sha256, "lke", pa.table({}), {}, dialect, None, problems, lke=content)
    source.rows = len(rows)
    return source


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
