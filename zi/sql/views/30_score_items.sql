-- item_points: the points of every scored item (area, half, result, sub-area) of every score row, by
-- unit number and indicator code only. Halves appear only where they were given; sub-areas only
-- where detail was loaded (table rincian). Materialised at each load; `score_items` dresses it.
CREATE OR REPLACE VIEW item_points AS
WITH points AS (
    SELECT u.unit_no, p.* FROM int_points p JOIN units u USING (province_code, instansi_key, unit_key)
),
given AS (
    UNPIVOT (
        SELECT unit_no, year, stage, rubric,
               mp, mp_pemenuhan, mp_reform, tt, tt_pemenuhan, tt_reform, sdm, sdm_pemenuhan, sdm_reform,
               ak, ak_pemenuhan, ak_reform, pw, pw_pemenuhan, pw_reform, pp, pp_pemenuhan, pp_reform,
               ipak, ck, ipkp, hasil_bersih, hasil_pelayanan
        FROM points
    ) ON COLUMNS(* EXCLUDE (unit_no, year, stage, rubric))
    INTO NAME column_name VALUE points
),
-- Sub-area values get their unit number first (materialised, so DuckDB keeps that order): joining
-- the 1.7 M values on three names against the units is cheaper than on five keys against every score row.
numbered AS MATERIALIZED (
    SELECT u.unit_no, r.year, r.stage, r.code, r.value
    FROM rincian r JOIN units u USING (province_code, instansi_key, unit_key)
),
detail AS (
    SELECT p.unit_no, r.year, r.stage, p.rubric, r.code AS column_name, r.value AS points
    FROM numbered r JOIN points p USING (unit_no, year, stage)
)
SELECT g.unit_no, g.year, g.stage, g.rubric, i.code, g.points
FROM (SELECT * FROM given UNION ALL SELECT * FROM detail) g
JOIN rule_indicators i ON i.rubric = g.rubric AND i.column_name = g.column_name;

-- score_items: one row per score row and scored item, with the unit's names, the item's weight
-- from the rules and its achievement as % of that weight.
CREATE OR REPLACE VIEW score_items AS
SELECT u.province_code, u.instansi_key, u.unit_key, p.year, p.stage, u.unit_id, p.rubric, i.column_name, p.points,
       i.code, i.level, i.area, i.half, i.parent, i.name, i.weight, 100.0 * p.points / i.weight AS pct
FROM item_points p
JOIN units u USING (unit_no)
JOIN rule_indicators i ON i.rubric = p.rubric AND i.code = p.code;
