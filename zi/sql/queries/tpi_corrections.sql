-- tpi_corrections: every answer of the chosen provinces where the TPI's value differs from the unit's own, with
-- both answers, the points it moved and the TPI's note: where the inspectorate corrected a self-assessment.
-- Params: $scope, $provinces (INTEGER[]), $year (INTEGER or NULL), $code (VARCHAR or NULL = every item), $limit.
WITH pairs AS (
    SELECT a.unit_id, a.year, a.kode,
           max(a.jawaban_baku) FILTER (WHERE a.stage = 'SA') AS sa_jawaban,
           max(a.nilai) FILTER (WHERE a.stage = 'SA') AS sa_nilai,
           max(a.jawaban_baku) FILTER (WHERE a.stage = 'TPI') AS tpi_jawaban,
           max(a.nilai) FILTER (WHERE a.stage = 'TPI') AS tpi_nilai,
           max(a.catatan) FILTER (WHERE a.stage = 'TPI') AS tpi_catatan
    FROM lke_answers a
    WHERE list_contains($provinces::INTEGER[], a.province_code) AND a.stage IN ('SA', 'TPI')
      AND ($year::INTEGER IS NULL OR a.year = $year::INTEGER) AND ($code::VARCHAR IS NULL OR a.kode = $code::VARCHAR)
    GROUP BY ALL
    HAVING sa_nilai <> tpi_nilai
)
SELECT p.unit_id, s.province, s.instansi, s.unit, p.year, p.kode, q.sub_area_name, q.pertanyaan,
       p.sa_jawaban, p.tpi_jawaban,
       q.sub_area_weight / q.items_in_sub_area * (p.tpi_nilai - p.sa_nilai) AS change_points, p.tpi_catatan
FROM pairs p
JOIN scores s ON s.unit_id = p.unit_id AND s.year = p.year AND s.stage = 'TPI'
JOIN rule_questions q USING (kode)
WHERE ($scope = 'semua' OR s.instansi_level = $scope) AND q.scored
ORDER BY change_points, s.province, s.unit, p.year, q.bank_order
LIMIT $limit;
