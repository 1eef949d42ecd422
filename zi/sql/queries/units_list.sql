-- units_list: units of the chosen provinces for the unit picker, with their latest year.
-- Params: $provinces (INTEGER[]).
SELECT unit_id, province_code, province, province_abbr, instansi, any_value(unit ORDER BY year DESC) AS unit,
       any_value(jenis_unit ORDER BY year DESC) AS jenis_unit, max(year) AS latest_year
FROM scores WHERE list_contains($provinces::INTEGER[], province_code)
GROUP BY ALL ORDER BY province_code, instansi, unit;
