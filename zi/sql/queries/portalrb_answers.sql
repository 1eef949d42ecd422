-- portalrb_answers: a unit-year's LKE answers as PortalRB's `GET /lke/jawaban-unit/{id}` sends them, one row per
-- item of the PortalRB master list (rule_questions with a soal_id: every question and every `Jumlah` input; a
-- computed `%` item and LAMPIRAN III's stated totals have none), in the bank's order. The unit's answers are the
-- SA stage, the TPI's the TPI stage, each in its standard form (option letter, Ya/Tidak, a number as text).
-- bukti_dukung_unit: the unit's evidence as recorded, except from a LAMPIRAN III workbook, whose evidence is a
-- description and a link (columns P and Q, recorded as `description; link`): PortalRB's field is the link, so
-- the links it holds are sent (the description where it holds none).
-- Params: $unit_id (the warehouse's key text), $year.
WITH answers AS (
    SELECT kode, stage, jawaban_baku, catatan, bukti, load_id, file_name
    FROM lke_answers WHERE unit_id = $unit_id AND year = $year AND stage IN ('SA', 'TPI')
),
shapes AS (   -- the shape of each file the answers came from (lampiran3, portalrb_template, portalrb_json)
    SELECT load_id, f.file_name, json_extract_string(f.dialect, '$.bentuk') AS bentuk
    FROM (SELECT load_id, unnest(file_details) AS f FROM load_history WHERE load_id IN (SELECT load_id FROM answers))
)
SELECT q.soal_id, q.jenis, sa.jawaban_baku AS jawaban_unit, tpi.jawaban_baku AS jawaban_tpi, sa.catatan AS catatan_unit,
       CASE WHEN s.bentuk = 'lampiran3'
            THEN coalesce(nullif(array_to_string(regexp_extract_all(sa.bukti, 'https?://[^\s;]+'), '; '), ''), sa.bukti)
            ELSE sa.bukti END AS bukti_dukung_unit,
       tpi.catatan AS catatan_tpi
FROM rule_questions q
LEFT JOIN answers sa ON sa.kode = q.kode AND sa.stage = 'SA'
LEFT JOIN answers tpi ON tpi.kode = q.kode AND tpi.stage = 'TPI'
LEFT JOIN shapes s ON s.load_id = sa.load_id AND s.file_name = sa.file_name
WHERE q.soal_id IS NOT NULL
ORDER BY q.bank_order;
