-- item_points: the points of every scored item (area, half, result, sub-area) of every score row, by
-- score and indicator number only. Halves appear only where they were given; sub-areas only where
-- detail was loaded (table rincian). Materialised at each load; `score_items` dresses it.
CREATE OR REPLACE VIEW item_points AS
WITH given AS (
    UNPIVOT (
        SELECT s.score_no, s.rubric,
               p.mp, p.mp_pemenuhan, p.mp_reform, p.tt, p.tt_pemenuhan, p.tt_reform, p.sdm, p.sdm_pemenuhan, p.sdm_reform,
               p.ak, p.ak_pemenuhan, p.ak_reform, p.pw, p.pw_pemenuhan, p.pw_reform, p.pp, p.pp_pemenuhan, p.pp_reform,
               p.ipak, p.ck, p.ipkp, p.hasil_bersih, p.hasil_pelayanan
        FROM int_points p
        JOIN units u USING (province_code, instansi_key, unit_key)
        JOIN score_rows s ON s.unit_no = u.unit_no AND s.year = p.year AND s.stage = p.stage
    ) ON COLUMNS(* EXCLUDE (score_no, rubric))
    INTO NAME column_name VALUE points
),
-- Sub-area values get their unit number first (materialised, so DuckDB keeps that order): joining
-- the 1.7 M values on three names against the units is cheaper than on five keys against every score row.
numbered AS MATERIALIZED (
    SELECT u.unit_no, r.year, r.stage, r.code, r.value
    FROM rincian r JOIN units u USING (province_code, instansi_key, unit_key)
),
detail AS (
    SELECT s.score_no, s.rubric, r.code AS column_name, r.value AS points
    FROM numbered r JOIN score_rows s USING (unit_no, year, stage)
)
SELECT g.score_no, i.indicator_no, g.points
FROM (SELECT * FROM given UNION ALL SELECT * FROM detail) g
JOIN rule_indicators i ON i.rubric = g.rubric AND i.column_name = g.column_name;

-- score_items: one row per score row and scored item, with the unit's names, the item's weight
-- from the rules and its achievement as % of that weight.
CREATE OR REPLACE VIEW score_items AS
SELECT u.province_code, u.instansi_key, u.unit_key, s.year, s.stage, u.unit_id, s.rubric, i.column_name, p.points,
       i.code, i.level, i.area, i.half, i.parent, i.name, i.weight, 100.0 * p.points / i.weight AS pct
FROM item_points p
JOIN score_rows s USING (score_no)
JOIN units u USING (unit_no)
JOIN rule_indicators i USING (indicator_no);
