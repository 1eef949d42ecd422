-- practices: good practices (praktik baik) of the chosen provinces (NULL = all), newest first.
-- Params: $provinces (INTEGER[] or NULL).
SELECT province_code, province, instansi, unit, unit_id, year, area, area_name, subarea, subarea_name,
       practice, source, catatan
FROM praktik_baik
WHERE $provinces::INTEGER[] IS NULL OR list_contains($provinces::INTEGER[], province_code)
ORDER BY year DESC, province_code, area NULLS LAST, subarea NULLS LAST;
