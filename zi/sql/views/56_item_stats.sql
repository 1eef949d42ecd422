-- item_stats: the LKE item by item per province, instansi level, year and stage: how many units answered it,
-- how many fully (value 1), and the sum of their values (so any set of provinces and levels adds up).
-- Sums go through DECIMAL: a parallel sum of doubles depends on the order threads meet, so two equal loads would
-- store different last digits; nine decimals keep every value and make the sum exact.
CREATE OR REPLACE VIEW item_stats AS
SELECT a.province_code, u.instansi_level, a.year, a.stage, a.kode,
       count(a.nilai)::INTEGER AS units, count(*) FILTER (WHERE a.nilai >= 1)::INTEGER AS full_units,
       sum(a.nilai::DECIMAL(18, 9))::DOUBLE AS value_sum
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
       sum((p.tpi - p.sa)::DECIMAL(18, 9))::DOUBLE AS tpi_change,
       count(p.tpn - p.tpi)::INTEGER AS tpi_tpn_units,
       count(*) FILTER (WHERE p.tpn < p.tpi)::INTEGER AS tpn_lowered,
       count(*) FILTER (WHERE p.tpn > p.tpi)::INTEGER AS tpn_raised,
       sum((p.tpn - p.tpi)::DECIMAL(18, 9))::DOUBLE AS tpn_change
FROM paired p JOIN units u USING (province_code, instansi_key, unit_key)
GROUP BY ALL
HAVING sa_tpi_units > 0 OR tpi_tpn_units > 0;

-- item_exemplars: per item, year, stage and province, the units that gave the item fully at that stage, best first
-- by what a learner can learn from them: a note written in their own self-assessment of the item, evidence
-- described, a WBK/WBBM predicate, the higher total. Only the first `peers_kept` of each (meta: [kaji_tiru]
-- peers_per_item + 1): whatever the learner's province, its first peers are among these, its own unit left out.
-- With the answer at that stage, the unit's own note and evidence, and the assessor's note.
CREATE OR REPLACE VIEW item_exemplars AS
WITH full_answers AS (   -- the answers given fully, with whether the unit's own self-assessment of that item wrote a
                        -- note and evidence (what a learner reads)
    SELECT f.province_code, f.instansi_key, f.unit_key, f.year, f.kode, f.stage,
           coalesce(o.catatan IS NOT NULL, false) AS has_note, coalesce(o.bukti IS NOT NULL, false) AS has_evidence
    FROM lke f
    LEFT JOIN lke o ON o.province_code = f.province_code AND o.instansi_key = f.instansi_key AND o.unit_key = f.unit_key
                   AND o.year = f.year AND o.kode = f.kode AND o.stage = 'SA'
    WHERE f.nilai >= 1
),
best AS (
    SELECT f.kode, f.year, f.stage, f.province_code,
           max_by({instansi_key: f.instansi_key, unit_key: f.unit_key, unit_id: u.unit_id, jenis_unit: sc.jenis_unit,
                   has_note: f.has_note, has_evidence: f.has_evidence, total: sc.total, predikat: sc.predikat},
                  {note: f.has_note, evidence: f.has_evidence, predicate: sc.predikat IS NOT NULL, total: sc.total,
                   unit: u.unit_id},  -- the id last: equal units are kept the same way on every load
                  (SELECT max(value::INTEGER) FROM meta WHERE key = 'peers_kept')) AS units
    FROM full_answers f
    JOIN units u USING (province_code, instansi_key, unit_key)
    JOIN scores sc ON sc.unit_id = u.unit_id AND sc.year = f.year AND sc.stage = f.stage
    GROUP BY ALL
),
kept AS (SELECT kode, year, stage, province_code, unnest(units, recursive := true) FROM best)
SELECT k.kode, k.year, k.stage, k.province_code, k.unit_id, k.jenis_unit, k.total, k.predikat, k.has_note, k.has_evidence,
       judged.jawaban_baku AS jawaban, own.catatan, own.bukti, CASE WHEN k.stage <> 'SA' THEN judged.catatan END AS catatan_penilai
FROM kept k
JOIN lke judged ON judged.province_code = k.province_code AND judged.instansi_key = k.instansi_key
               AND judged.unit_key = k.unit_key AND judged.year = k.year AND judged.kode = k.kode AND judged.stage = k.stage
LEFT JOIN lke own ON own.province_code = k.province_code AND own.instansi_key = k.instansi_key
                 AND own.unit_key = k.unit_key AND own.year = k.year AND own.kode = k.kode AND own.stage = 'SA';
