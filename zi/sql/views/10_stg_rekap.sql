-- stg_rekap: the loaded score rows, renamed for reading; no logic beyond naming.
-- Grain: one row per (province_code, instansi_key, unit_key, year, stage).
CREATE OR REPLACE VIEW stg_rekap AS
SELECT
    province_code, instansi_key, unit_key, year, stage,
    province_code::VARCHAR || ':' || instansi_key || ':' || unit_key AS unit_id,
    instansi, unit, jenis_unit, rubric, predikat, catatan,
    mp, mp_pemenuhan, mp_reform, tt, tt_pemenuhan, tt_reform, sdm, sdm_pemenuhan, sdm_reform,
    ak, ak_pemenuhan, ak_reform, pw, pw_pemenuhan, pw_reform, pp, pp_pemenuhan, pp_reform,
    ipak, ipak_indeks, ck, ipkp, ipkp_indeks, hasil_bersih, hasil_pelayanan,
    load_id, file_name, source_row
FROM rekap;
