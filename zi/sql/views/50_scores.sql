-- scores: the contract's view. One row per key; points of the row's rubric; totals; eligibility.
-- wbk_eligible / wbbm_eligible: every condition in condition_values holds; NULL where the rubric has
-- no confirmed thresholds (52/2014 today), which the interface shows as "belum diketahui".
CREATE OR REPLACE VIEW scores AS
WITH eligibility AS (
    SELECT v.score_no,
           bool_and(v.met) FILTER (WHERE c.predicate = 'WBK') AS wbk_eligible,
           bool_and(v.met) FILTER (WHERE c.predicate = 'WBBM') AS wbbm_eligible
    FROM condition_values v JOIN rule_checks c USING (check_no) GROUP BY ALL
)
SELECT
    p.province_code, pr.nama AS province, pr.singkatan AS province_abbr,
    p.instansi, p.unit, p.year, p.stage, p.rubric,
    p.mp, p.tt, p.sdm, p.ak, p.pw, p.pp,
    p.ipak, p.ck, p.ipkp,
    coalesce(p.hasil_bersih, p.ipak + p.ck) AS hasil_bersih,
    coalesce(p.hasil_pelayanan, p.ipkp) AS hasil_pelayanan,
    p.mp + p.tt + p.sdm + p.ak + p.pw + p.pp AS pengungkit,
    coalesce(p.hasil_bersih, p.ipak + p.ck) + coalesce(p.hasil_pelayanan, p.ipkp) AS hasil,
    p.mp + p.tt + p.sdm + p.ak + p.pw + p.pp
        + coalesce(p.hasil_bersih, p.ipak + p.ck) + coalesce(p.hasil_pelayanan, p.ipkp) AS total,
    p.predikat, e.wbk_eligible, e.wbbm_eligible,
    p.unit_id, p.jenis_unit, p.halves_given, p.ipak_indeks, p.ipkp_indeks,
    u.instansi_level,
    f.is_sample
FROM int_points p
JOIN provinces_ref pr ON pr.code = p.province_code
JOIN units u USING (province_code, instansi_key, unit_key)
JOIN score_rows s ON s.unit_no = u.unit_no AND s.year = p.year AND s.stage = p.stage
LEFT JOIN eligibility e USING (score_no)
LEFT JOIN load_files f ON f.load_id = p.load_id AND f.file_name = p.file_name;
