-- tpi_corrections: for one LKE item, every answer of the chosen provinces where the TPI's value differs from the
-- unit's own, with both answers, the points it moved and the TPI's note: where the inspectorate corrected a
-- self-assessment.
-- Params: $scope, $provinces (INTEGER[]), $year (INTEGER or NULL), $code, $limit.
WITH chosen AS (
    SELECT a.unit_id, a.year, a.kode, a.stage, a.jawaban_baku, a.nilai, a.catatan
    FROM lke_answers a
    WHERE list_contains($provinces::INTEGER[], a.province_code) AND a.nilai IS NOT NULL
      AND ($year::INTEGER IS NULL OR a.year = $year::INTEGER) AND a.kode = $code
),
pairs AS (   -- the unit's own answer beside the TPI's, where their values differ
    SELECT t.unit_id, t.year, t.kode, s.jawaban_baku AS sa_jawaban, t.jawaban_baku AS tpi_jawaban,
           t.nilai - s.nilai AS change, t.catatan AS tpi_catatan
    FROM chosen t JOIN chosen s ON s.unit_id = t.unit_id AND s.year = t.year AND s.kode = t.kode
    WHERE t.stage = 'TPI' AND s.stage = 'SA' AND t.nilai <> s.nilai
)
SELECT p.unit_id, s.province, s.instansi, s.unit, p.year, p.kode, q.sub_area_name, q.pertanyaan,
       p.sa_jawaban, p.tpi_jawaban, q.sub_area_weight / q.items_in_sub_area * p.change AS change_points, p.tpi_catatan
FROM pairs p
JOIN scores s ON s.unit_id = p.unit_id AND s.year = p.year AND s.stage = 'TPI'
JOIN rule_questions q USING (kode)
WHERE ($scope = 'semua' OR s.instansi_level = $scope) AND q.scored
ORDER BY change_points, s.province, s.unit, p.year, q.bank_order
LIMIT $limit;
