-- item_peers: for a learner's weakest LKE items, the units that gave them fully (value 1) at one stage in the
-- recent years: each unit's latest such answer with what it wrote itself (its self-assessment's note and
-- evidence: "what they did") and the assessor's note. Per item, the first $per_item by: another province
-- before the learner's own, a note written, evidence described, the same kind of unit, a WBK/WBBM
-- predicate, then the higher total.
-- Params: $codes (VARCHAR[]), $year, $stage, $learner_province, $learner_unit_id (VARCHAR or NULL),
--         $learner_jenis (VARCHAR or NULL), $recent_years, $per_item.
WITH given AS (
    SELECT a.unit_id, a.province_code, a.year, a.kode, a.pertanyaan,
           max(a.nilai) FILTER (WHERE a.stage = $stage) AS nilai,
           max(a.jawaban_baku) FILTER (WHERE a.stage = $stage) AS jawaban,
           max(a.catatan) FILTER (WHERE a.stage = 'SA') AS catatan,
           max(a.bukti) FILTER (WHERE a.stage = 'SA') AS bukti,
           max(a.catatan) FILTER (WHERE a.stage = $stage AND a.stage <> 'SA') AS catatan_penilai
    FROM lke_answers a
    WHERE list_contains($codes::VARCHAR[], a.kode) AND a.stage IN ($stage, 'SA')
      AND a.year BETWEEN $year - $recent_years AND $year
    GROUP BY a.unit_id, a.province_code, a.year, a.kode, a.pertanyaan
    HAVING nilai >= 1
    QUALIFY row_number() OVER (PARTITION BY a.unit_id, a.kode ORDER BY a.year DESC) = 1
),
peers AS (
    SELECT g.*, s.province, s.instansi, s.unit, s.jenis_unit, s.total, s.predikat,
           g.province_code <> $learner_province AS elsewhere,
           coalesce(trim(g.catatan) <> '', false) AS has_note,
           coalesce(trim(g.bukti) <> '', false) AS has_evidence,
           coalesce(s.jenis_unit = $learner_jenis::VARCHAR, false) AS same_type
    FROM given g JOIN scores s ON s.unit_id = g.unit_id AND s.year = g.year AND s.stage = $stage
    WHERE g.unit_id IS DISTINCT FROM $learner_unit_id::VARCHAR
)
SELECT kode, pertanyaan, unit_id, province_code, province, instansi, unit, jenis_unit, year, jawaban, catatan, bukti, catatan_penilai,
       total, predikat, elsewhere, has_note, has_evidence, same_type,
       row_number() OVER (PARTITION BY kode ORDER BY elsewhere DESC, has_note DESC, has_evidence DESC, same_type DESC,
                                                     predikat IS NOT NULL DESC, total DESC, unit) AS peer_rank
FROM peers
QUALIFY peer_rank <= $per_item
ORDER BY list_position($codes::VARCHAR[], kode), peer_rank;
