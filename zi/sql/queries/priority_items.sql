-- priority_items: the leaves of the score tree for the chosen units (sub-areas where detail was
-- loaded, else halves where given, else areas; plus the result indicators), with the points that
-- are recoverable if the item were fully met (weight x shortfall), averaged over the units, and
-- how many of those units fail a condition of the predicate that this item bears on.
-- Params: $year, $stage, $predicate, $scope, $provinces (INTEGER[]), $unit_id (VARCHAR or NULL = all units).
WITH chosen AS (
    SELECT s.unit_id FROM scores s
    WHERE s.year = $year AND s.stage = $stage AND ($scope = 'semua' OR s.instansi_level = $scope)
      AND list_contains($provinces::INTEGER[], s.province_code)
      AND ($unit_id::VARCHAR IS NULL OR s.unit_id = $unit_id::VARCHAR)
),
items AS (
    SELECT i.* FROM score_items i SEMI JOIN chosen USING (unit_id)
    WHERE i.year = $year AND i.stage = $stage
),
leaves AS (   -- the finest items each unit has: an area or half counts only without finer detail below it
    SELECT i.* FROM items i
    WHERE i.level IN ('subarea', 'result')
       OR (i.level = 'half' AND NOT EXISTS (
              SELECT 1 FROM items d WHERE d.unit_id = i.unit_id AND d.level = 'subarea' AND d.parent = i.code))
       OR (i.level = 'area' AND NOT EXISTS (
              SELECT 1 FROM items d WHERE d.unit_id = i.unit_id AND d.level IN ('half', 'subarea') AND d.area = i.area))
),
failing AS (  -- conditions that fail, and the item codes they bear on
    SELECT unit_id, condition, subject FROM score_conditions
    WHERE year = $year AND stage = $stage AND predicate = $predicate AND NOT met
),
bears AS (    -- failing conditions this item alone can lift: its own area or half (area_pct), its own
              -- result or result group; `total` and `pengungkit` are lifted by every item, so not counted
    SELECT l.unit_id, l.code,
           count(f.condition) FILTER (WHERE (f.condition = 'area_pct' AND f.subject IN (l.code, l.parent, l.area))
                                         OR f.condition IN (l.code, l.parent)) AS specific
    FROM leaves l LEFT JOIN failing f ON f.unit_id = l.unit_id
    GROUP BY ALL
)
SELECT l.code, any_value(l.name) AS name, any_value(l.level) AS level, any_value(l.area) AS area,
       any_value(l.half) AS half, any_value(l.weight) AS weight, count(*) AS units,
       avg(l.points) AS mean_points, avg(l.pct) AS mean_pct,
       avg(l.weight - l.points) AS recoverable,
       count(*) FILTER (WHERE b.specific > 0) AS units_blocked
FROM leaves l JOIN bears b USING (unit_id, code)
GROUP BY l.code
ORDER BY units_blocked DESC, recoverable DESC, l.code;
