-- rule_questions: the LKE question bank as the load copied it (data/lke_questions.csv), in LKE order.
SELECT kode, soal_id, bagian, area, sub_area, sub_area_name, sub_area_weight, jenis, options, formula, pertanyaan, source, bank_version
FROM rule_questions ORDER BY bank_order;
