-- lke_answers: the LKE answered item by item. One row per score row key and item of the question bank
-- (rule_questions), with the item's place in the instrument, the answer as given and in its standard form, its
-- value 0..1 by the rules, and `poin`: its share of its sub-area's points (weight × value / the sub-area's
-- scored items; NULL for a `Jumlah` input or a stated total, which only feed a formula).
CREATE OR REPLACE VIEW lke_answers AS
SELECT a.province_code, a.province_code::VARCHAR || ':' || a.instansi_key || ':' || a.unit_key AS unit_id,
       a.year, a.stage, q.rubric, a.kode, q.soal_id, q.bagian, q.area, q.sub_area, q.rules_sub_area, q.jenis,
       q.pertanyaan, a.jawaban, a.jawaban_baku, a.nilai,
       CASE WHEN q.scored THEN q.sub_area_weight * a.nilai / q.items_in_sub_area END AS poin,
       a.catatan, a.bukti, a.load_id, a.file_name, a.source_row
FROM lke a JOIN rule_questions q USING (kode);

-- lke_answer_history: every answer a later load replaced or took out, with the file and row it had come from.
CREATE OR REPLACE VIEW lke_answer_history AS
SELECT h.province_code::VARCHAR || ':' || h.instansi_key || ':' || h.unit_key AS unit_id,
       h.year, h.stage, h.kode, h.jawaban, h.jawaban_baku, h.nilai, h.catatan, h.bukti,
       h.load_id, h.file_name, h.source_row, h.replaced_by_load, l.loaded_at AS replaced_at
FROM lke_history h JOIN loads l ON l.load_id = h.replaced_by_load;

-- load_warnings: what each load warned about (kept with the load that wrote the data).
CREATE OR REPLACE VIEW load_warnings AS
SELECT w.load_id, w.file_name, w.sheet, w."row", w.cell, w."column", w.item, w.value, w.reason
FROM warnings w;
