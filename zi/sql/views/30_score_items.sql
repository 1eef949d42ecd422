-- score_items: one row per score row and scored item (area, half, result, sub-area) with its weight
-- from the rules and its achievement as % of that weight. Halves appear only where they were given;
-- sub-areas only where detail was loaded (table rincian).
CREATE OR REPLACE VIEW score_items AS
WITH given AS (
    UNPIVOT (
        SELECT province_code, instansi_key, unit_key, year, stage, unit_id, rubric,
               mp, mp_pemenuhan, mp_reform, tt, tt_pemenuhan, tt_reform, sdm, sdm_pemenuhan, sdm_reform,
               ak, ak_pemenuhan, ak_reform, pw, pw_pemenuhan, pw_reform, pp, pp_pemenuhan, pp_reform,
               ipak, ck, ipkp, hasil_bersih, hasil_pelayanan
        FROM int_points
    ) ON COLUMNS(* EXCLUDE (province_code, instansi_key, unit_key, year, stage, unit_id, rubric))
    INTO NAME column_name VALUE points
),
detail AS (
    SELECT r.province_code, r.instansi_key, r.unit_key, r.year, r.stage, p.unit_id, p.rubric,
           r.code AS column_name, r.value AS points
    FROM rincian r JOIN int_points p USING (province_code, instansi_key, unit_key, year, stage)
)
SELECT g.*, i.code, i.level, i.area, i.half, i.parent, i.name, i.weight,
       100.0 * g.points / i.weight AS pct
FROM (SELECT * FROM given UNION ALL SELECT * FROM detail) g
JOIN rule_indicators i ON i.rubric = g.rubric AND i.column_name = g.column_name;
