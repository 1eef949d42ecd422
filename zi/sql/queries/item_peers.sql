-- item_peers: for a learner's weakest LKE items, the units that gave them fully (value 1) at the learner's year
-- and stage, with what each wrote itself in its self-assessment (note and evidence: "what they did") and the
-- assessor's note. Per item, the first $per_item by: another province before the learner's own, a note written,
-- evidence described, a WBK/WBBM predicate, then the higher total (`same_type` says whether the unit is of the
-- learner's kind). Read from item_exemplars, which keeps enough units of every province for any learner.
-- Params: $codes (VARCHAR[]), $year, $stage, $learner_province, $learner_unit_id (VARCHAR or NULL),
--         $learner_jenis (VARCHAR or NULL), $per_item.
WITH peers AS (
    SELECT e.kode, q.pertanyaan, e.unit_id, e.province_code, s.province, s.instansi, s.unit, e.jenis_unit, e.year,
           e.jawaban, e.catatan, e.bukti, e.catatan_penilai, e.total, e.predikat,
           e.province_code <> $learner_province AS elsewhere, e.has_note, e.has_evidence,
           coalesce(e.jenis_unit = $learner_jenis::VARCHAR, false) AS same_type
    FROM item_exemplars e
    JOIN scores s ON s.unit_id = e.unit_id AND s.year = e.year AND s.stage = e.stage
    JOIN rule_questions q USING (kode)
    WHERE list_contains($codes::VARCHAR[], e.kode) AND e.year = $year AND e.stage = $stage
      AND e.unit_id IS DISTINCT FROM $learner_unit_id::VARCHAR
)
SELECT *, row_number() OVER (PARTITION BY kode ORDER BY elsewhere DESC, has_note DESC, has_evidence DESC,
                                                         predikat IS NOT NULL DESC, total DESC, unit) AS peer_rank
FROM peers
QUALIFY peer_rank <= $per_item
ORDER BY list_position($codes::VARCHAR[], kode), peer_rank;
