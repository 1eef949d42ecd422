-- item_stats: the LKE item by item per province, instansi level, year and stage: how many units answered it,
-- how many fully (value 1), and the sum of their values (so any set of provinces and levels adds up).
CREATE OR REPLACE VIEW item_stats AS
SELECT a.province_code, u.instansi_level, a.year, a.stage, a.kode,
       count(a.nilai)::INTEGER AS units, count(*) FILTER (WHERE a.nilai >= 1)::INTEGER AS full_units,
       sum(a.nilai) AS value_sum
FROM lke a JOIN units u USING (province_code, instansi_key, unit_key)
WHERE a.nilai IS NOT NULL
GROUP BY ALL;

-- item_calibration: per province, instansi level, year and item, the units whose answer two stages both give,
-- and how often the later stage lowered or raised the earlier one's value (TPI against SA, TPN against TPI);
-- `*_change` sums the later value minus the earlier (0..1 per unit, points once weighted).
CREATE OR REPLACE VIEW item_calibration AS
WITH paired AS (
    SELECT a.province_code, a.instansi_key, a.unit_key, a.year, a.kode,
           max(a.nilai) FILTER (WHERE a.stage = 'SA') AS sa,
           max(a.nilai) FILTER (WHERE a.stage = 'TPI') AS tpi,
           max(a.nilai) FILTER (WHERE a.stage = 'TPN') AS tpn
    FROM lke a WHERE a.nilai IS NOT NULL GROUP BY ALL
)
SELECT p.province_code, u.instansi_level, p.year, p.kode,
       count(p.tpi - p.sa)::INTEGER AS sa_tpi_units,
       count(*) FILTER (WHERE p.tpi < p.sa)::INTEGER AS tpi_lowered,
       count(*) FILTER (WHERE p.tpi > p.sa)::INTEGER AS tpi_raised,
       sum(p.tpi - p.sa) AS tpi_change,
       count(p.tpn - p.tpi)::INTEGER AS tpi_tpn_units,
       count(*) FILTER (WHERE p.tpn < p.tpi)::INTEGER AS tpn_lowered,
       count(*) FILTER (WHERE p.tpn > p.tpi)::INTEGER AS tpn_raised,
       sum(p.tpn - p.tpi) AS tpn_change
FROM paired p JOIN units u USING (province_code, instansi_key, unit_key)
GROUP BY ALL
HAVING sa_tpi_units > 0 OR tpi_tpn_units > 0;
