-- condition_values: every check of rule_checks, evaluated for every score row whose rubric has
-- thresholds, on unrounded values, by score and check number, and whether it is `met`. Materialised at
-- each load; `score_conditions` adds the unit's names and the check's rubric, predicate and minimum.
-- Checks: total, pengungkit, a result group (BERSIH), a result (IPAK, CK, IPKP), area_pct for each
-- area (for each half where halves were given, else for the area total), and prior (WBBM needs an
-- earlier year of the same unit holding one of rule_prior's predicates).
CREATE OR REPLACE VIEW condition_values AS
WITH totals AS (
    SELECT s.score_no, s.unit_no, s.year, s.rubric, p.predikat,
           p.mp + p.tt + p.sdm + p.ak + p.pw + p.pp AS pengungkit,
           coalesce(p.hasil_bersih, p.ipak + p.ck) + coalesce(p.hasil_pelayanan, p.ipkp)
             + p.mp + p.tt + p.sdm + p.ak + p.pw + p.pp AS total
    FROM int_points p
    JOIN units u USING (province_code, instansi_key, unit_key)
    JOIN score_rows s ON s.unit_no = u.unit_no AND s.year = p.year AND s.stage = p.stage
),
items AS (
    SELECT p.score_no, p.points, i.rubric, i.code, i.level, i.area, i.parent
    FROM item_points p JOIN rule_indicators i USING (indicator_no)
    WHERE i.level IN ('area', 'half', 'result')
),
scalar AS (   -- total and pengungkit
    SELECT r.score_no, c.check_no, CASE c.condition WHEN 'total' THEN r.total ELSE r.pengungkit END AS value
    FROM totals r JOIN rule_checks c ON c.rubric = r.rubric AND c.condition IN ('total', 'pengungkit')
),
result AS (   -- a single result indicator
    SELECT i.score_no, c.check_no, i.points AS value
    FROM items i JOIN rule_checks c ON c.rubric = i.rubric AND c.condition = i.code
    WHERE i.level = 'result'
),
result_group AS (   -- a group of results (BERSIH), summed
    SELECT i.score_no, c.check_no, sum(i.points) AS value
    FROM items i JOIN rule_checks c ON c.rubric = i.rubric AND c.condition = i.parent
    WHERE i.level = 'result'
    GROUP BY ALL
),
halved AS (   -- the areas of each score row given as two halves
    SELECT DISTINCT score_no, area FROM items WHERE level = 'half'
),
area AS (     -- each half where an area's halves were given, else the area
    SELECT i.score_no, c.check_no, i.points AS value
    FROM items i JOIN rule_checks c ON c.rubric = i.rubric AND c.condition = 'area_pct' AND c.subject = i.code
    WHERE i.level = 'half'
    UNION ALL
    SELECT i.score_no, c.check_no, i.points AS value
    FROM items i JOIN rule_checks c ON c.rubric = i.rubric AND c.condition = 'area_pct' AND c.subject = i.code
    ANTI JOIN halved h USING (score_no, area)
    WHERE i.level = 'area'
),
held AS (     -- the first year each unit held each predicate
    SELECT unit_no, predikat, min(year) AS first_year FROM totals WHERE predikat IS NOT NULL GROUP BY ALL
),
prior AS (    -- held an allowed predicate in an earlier year (1 = yes, 0 = no)
    SELECT k.score_no, c.check_no, CASE WHEN bool_or(h.first_year < k.year) THEN 1.0 ELSE 0.0 END AS value
    FROM totals k JOIN rule_checks c ON c.rubric = k.rubric AND c.condition = 'prior'
    JOIN rule_prior rp ON rp.rubric = c.rubric AND rp.predicate = c.predicate
    LEFT JOIN held h ON h.unit_no = k.unit_no AND h.predikat = rp.prior_predicate
    GROUP BY ALL
)
-- 1e-9 absorbs floating-point noise only (75.00 summed as 74.99999999999999); it is no rounding.
SELECT v.*, v.value >= c.minimum - 1e-9 AS met
FROM (SELECT * FROM scalar UNION ALL SELECT * FROM result UNION ALL SELECT * FROM result_group
      UNION ALL SELECT * FROM area UNION ALL SELECT * FROM prior) v
JOIN rule_checks c USING (check_no);

-- score_conditions: condition_values with the unit's names, the check it is, and `missing`: the
-- points still needed (0 when met).
CREATE OR REPLACE VIEW score_conditions AS
SELECT u.province_code, u.instansi_key, u.unit_key, s.year, s.stage, u.unit_id, c.rubric,
       c.predicate, c.condition, c.subject, v.value, c.minimum, v.met,
       CASE WHEN v.met THEN 0.0 ELSE c.minimum - v.value END AS missing
FROM condition_values v JOIN score_rows s USING (score_no) JOIN units u USING (unit_no) JOIN rule_checks c USING (check_no);
