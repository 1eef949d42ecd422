-- condition_values: every condition of the rules' thresholds, evaluated for every score row whose
-- rubric has thresholds, on unrounded values, by unit number, and whether it is `met`. Materialised
-- at each load; `score_conditions` adds the unit's names and the points still missing.
-- Conditions: total, pengungkit, a result group (BERSIH), a result (IPAK, CK, IPKP), area_pct for each
-- area (for each half where halves were given, else for the area total), and prior (WBBM needs an
-- earlier year of the same unit holding one of rule_prior's predicates).
CREATE OR REPLACE VIEW condition_values AS
WITH totals AS (
    SELECT u.unit_no, p.year, p.stage, p.rubric, p.predikat,
           p.mp + p.tt + p.sdm + p.ak + p.pw + p.pp AS pengungkit,
           coalesce(p.hasil_bersih, p.ipak + p.ck) + coalesce(p.hasil_pelayanan, p.ipkp)
             + p.mp + p.tt + p.sdm + p.ak + p.pw + p.pp AS total
    FROM int_points p JOIN units u USING (province_code, instansi_key, unit_key)
),
items AS (
    SELECT p.*, i.level, i.area, i.parent, i.weight
    FROM item_points p JOIN rule_indicators i USING (rubric, code)
    WHERE i.level IN ('area', 'half', 'result')
),
scalar AS (   -- total and pengungkit
    SELECT r.unit_no, r.year, r.stage, r.rubric, t.predicate, t.condition, t.condition AS subject,
           CASE t.condition WHEN 'total' THEN r.total ELSE r.pengungkit END AS value, t.minimum
    FROM totals r JOIN rule_thresholds t ON t.rubric = r.rubric AND t.condition IN ('total', 'pengungkit')
),
result AS (   -- a single result indicator
    SELECT i.unit_no, i.year, i.stage, i.rubric, t.predicate, t.condition, t.condition AS subject,
           i.points AS value, t.minimum
    FROM items i JOIN rule_thresholds t ON t.rubric = i.rubric AND t.condition = i.code
    WHERE i.level = 'result'
),
result_group AS (   -- a group of results (BERSIH), summed
    SELECT i.unit_no, i.year, i.stage, i.rubric, t.predicate, t.condition, t.condition AS subject,
           sum(i.points) AS value, t.minimum
    FROM items i JOIN rule_thresholds t ON t.rubric = i.rubric AND t.condition = i.parent
    WHERE i.level = 'result'
    GROUP BY ALL
),
halved AS (   -- the areas of each score row given as two halves
    SELECT DISTINCT unit_no, year, stage, area FROM items WHERE level = 'half'
),
area AS (     -- each half where an area's halves were given, else the area
    SELECT i.unit_no, i.year, i.stage, i.rubric, t.predicate, t.condition, i.code AS subject,
           i.points AS value, t.minimum / 100.0 * i.weight AS minimum
    FROM items i
    JOIN rule_thresholds t ON t.rubric = i.rubric AND t.condition = 'area_pct'
    WHERE i.level = 'half'
    UNION ALL
    SELECT i.unit_no, i.year, i.stage, i.rubric, t.predicate, t.condition, i.code AS subject,
           i.points AS value, t.minimum / 100.0 * i.weight AS minimum
    FROM items i
    JOIN rule_thresholds t ON t.rubric = i.rubric AND t.condition = 'area_pct'
    ANTI JOIN halved h USING (unit_no, year, stage, area)
    WHERE i.level = 'area'
),
held AS (     -- the first year each unit held each predicate
    SELECT unit_no, predikat, min(year) AS first_year FROM totals WHERE predikat IS NOT NULL GROUP BY ALL
),
prior AS (    -- held an allowed predicate in an earlier year (1 = yes, 0 = no)
    SELECT k.unit_no, k.year, k.stage, k.rubric, rp.predicate, 'prior' AS condition, 'prior' AS subject,
           CASE WHEN bool_or(h.first_year < k.year) THEN 1.0 ELSE 0.0 END AS value, 1.0 AS minimum
    FROM totals k JOIN rule_prior rp USING (rubric)
    LEFT JOIN held h ON h.unit_no = k.unit_no AND h.predikat = rp.prior_predicate
    GROUP BY ALL
)
-- 1e-9 absorbs floating-point noise only (75.00 summed as 74.99999999999999); it is no rounding.
SELECT *, value >= minimum - 1e-9 AS met
FROM (SELECT * FROM scalar UNION ALL SELECT * FROM result UNION ALL SELECT * FROM result_group
      UNION ALL SELECT * FROM area UNION ALL SELECT * FROM prior);

-- score_conditions: condition_values with the unit's names, and `missing`: the points still needed
-- (0 when met).
CREATE OR REPLACE VIEW score_conditions AS
SELECT u.province_code, u.instansi_key, u.unit_key, c.year, c.stage, u.unit_id, c.rubric,
       c.predicate, c.condition, c.subject, c.value, c.minimum, c.met,
       CASE WHEN c.met THEN 0.0 ELSE c.minimum - c.value END AS missing
FROM condition_values c JOIN units u USING (unit_no);
