-- unit_answers: one unit's LKE for one year, item by item in the bank's order and stage by stage: the answer
-- in its standard form, its value 0..1, its points (weight x value / the sub-area's scored items; NULL for a
-- Jumlah input or a stated total), the note and the evidence as written.
-- Params: $unit_id, $year. (The province, the unit id's first part, lets the scan skip other provinces.)
SELECT a.stage, a.kode, q.bank_order, a.bagian, a.area, a.sub_area, q.sub_area_name, a.rules_sub_area, a.jenis,
       a.pertanyaan, q.scored, q.sub_area_weight / q.items_in_sub_area AS item_weight,
       a.jawaban_baku AS jawaban, a.nilai, a.poin, a.catatan, a.bukti
FROM lke_answers a JOIN rule_questions q USING (kode)
WHERE a.province_code = CAST(split_part($unit_id, ':', 1) AS INTEGER) AND a.unit_id = $unit_id AND a.year = $year
ORDER BY q.bank_order, a.stage;
