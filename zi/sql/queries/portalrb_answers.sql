-- portalrb_answers: one proposed unit-year's answers as `GET /lke/jawaban-unit/{id}` sends them (the view
-- portalrb_answers, in the master list's order). Params: $unit_id (the proposal's key text), $year.
SELECT soal_id, jenis, jawaban_unit, jawaban_tpi, catatan_unit, bukti_dukung_unit, catatan_tpi
FROM portalrb_answers
WHERE unit_id = $unit_id AND year = $year
ORDER BY bank_order;
