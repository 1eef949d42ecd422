-- Warehouse tables, written only by `python -m etl`. Pages never read these: they read the views.
-- Key of a score row: (province_code, instansi_key, unit_key, year, stage); the *_key columns are the
-- names lower-cased with whitespace collapsed, `instansi` and `unit` keep the latest spelling.
-- Uniqueness is the ETL's invariant (tested), not an index: DuckDB's ART index makes the
-- delete-then-insert of a replaced row in one transaction slower and more fragile.

CREATE TABLE IF NOT EXISTS rekap (
    province_code INTEGER NOT NULL, instansi_key VARCHAR NOT NULL, unit_key VARCHAR NOT NULL,
    year INTEGER NOT NULL, stage VARCHAR NOT NULL,
    instansi VARCHAR NOT NULL, unit VARCHAR NOT NULL, jenis_unit VARCHAR, rubric VARCHAR NOT NULL,
    predikat VARCHAR, catatan VARCHAR,
    -- points as given (areas as totals or halves; results as points and/or survey index)
    mp DOUBLE, mp_pemenuhan DOUBLE, mp_reform DOUBLE,
    tt DOUBLE, tt_pemenuhan DOUBLE, tt_reform DOUBLE,
    sdm DOUBLE, sdm_pemenuhan DOUBLE, sdm_reform DOUBLE,
    ak DOUBLE, ak_pemenuhan DOUBLE, ak_reform DOUBLE,
    pw DOUBLE, pw_pemenuhan DOUBLE, pw_reform DOUBLE,
    pp DOUBLE, pp_pemenuhan DOUBLE, pp_reform DOUBLE,
    ipak DOUBLE, ipak_indeks DOUBLE, ck DOUBLE, ipkp DOUBLE, ipkp_indeks DOUBLE,
    hasil_bersih DOUBLE, hasil_pelayanan DOUBLE,
    load_id INTEGER NOT NULL, file_name VARCHAR NOT NULL, source_row INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS rekap_history AS SELECT *, NULL::INTEGER AS replaced_by_load FROM rekap WITH NO DATA;

CREATE TABLE IF NOT EXISTS rincian (
    province_code INTEGER NOT NULL, instansi_key VARCHAR NOT NULL, unit_key VARCHAR NOT NULL,
    year INTEGER NOT NULL, stage VARCHAR NOT NULL, code VARCHAR NOT NULL, value DOUBLE NOT NULL,
    load_id INTEGER NOT NULL, file_name VARCHAR NOT NULL, source_row INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS rincian_history AS SELECT *, NULL::INTEGER AS replaced_by_load FROM rincian WITH NO DATA;

-- LKE answers, item by item: one row per score row key and item of the question bank (data/lke_questions.csv).
-- `jawaban` as the file gave it, `jawaban_baku` its standard form (option letter, Ya/Tidak, a number), `nilai`
-- the item's value 0..1 by the rules (NULL for a `Jumlah` input); a computed `%` item has no `jawaban`.
CREATE TABLE IF NOT EXISTS lke (
    province_code INTEGER NOT NULL, instansi_key VARCHAR NOT NULL, unit_key VARCHAR NOT NULL,
    year INTEGER NOT NULL, stage VARCHAR NOT NULL, kode VARCHAR NOT NULL,
    jawaban VARCHAR, jawaban_baku VARCHAR, nilai DOUBLE, catatan VARCHAR, bukti VARCHAR,
    load_id INTEGER NOT NULL, file_name VARCHAR NOT NULL, source_row INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS lke_history AS SELECT *, NULL::INTEGER AS replaced_by_load FROM lke WITH NO DATA;

-- The load ledger: one row per load command that changed something, one per file in it.
CREATE TABLE IF NOT EXISTS loads (
    load_id INTEGER NOT NULL, loaded_at TIMESTAMP NOT NULL, loaded_by VARCHAR, rules_version VARCHAR NOT NULL,
    rekap_added INTEGER NOT NULL, rekap_replaced INTEGER NOT NULL,
    rincian_added INTEGER NOT NULL, rincian_replaced INTEGER NOT NULL, note VARCHAR
);

-- Older warehouses gain the LKE counts (a load before them added and replaced no answers).
ALTER TABLE loads ADD COLUMN IF NOT EXISTS lke_added INTEGER DEFAULT 0;
ALTER TABLE loads ADD COLUMN IF NOT EXISTS lke_replaced INTEGER DEFAULT 0;

CREATE TABLE IF NOT EXISTS load_files (
    load_id INTEGER NOT NULL, file_name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, kind VARCHAR NOT NULL,
    rows INTEGER NOT NULL, rubrics VARCHAR, dialect VARCHAR, is_sample BOOLEAN NOT NULL
);

-- Warnings a load gave (a workbook's own miscomputed cell, a mistyped answer type, a zero denominator valued by
-- the rules, ...), kept with the load that wrote the data they are about.
CREATE TABLE IF NOT EXISTS warnings (
    load_id INTEGER NOT NULL, file_name VARCHAR NOT NULL, sheet VARCHAR, "row" INTEGER, cell VARCHAR, "column" VARCHAR,
    item VARCHAR, value VARCHAR, reason VARCHAR NOT NULL
);

-- Reference data, replaced from data/ on every load so the views always use the current rules.
CREATE OR REPLACE TABLE rule_rubrics (
    rubric VARCHAR, name VARCHAR, first_year INTEGER, total DOUBLE, pengungkit DOUBLE, hasil DOUBLE,
    has_halves BOOLEAN, thresholds_confirmed BOOLEAN, survey_scale_max DOUBLE, survey_provisional BOOLEAN,
    source VARCHAR, provisional BOOLEAN
);
CREATE OR REPLACE TABLE rule_indicators (
    indicator_no SMALLINT, rubric VARCHAR, code VARCHAR, column_name VARCHAR, level VARCHAR, area VARCHAR, half VARCHAR,
    parent VARCHAR, name VARCHAR, weight DOUBLE, survey BOOLEAN
);
CREATE OR REPLACE TABLE rule_thresholds (
    rubric VARCHAR, predicate VARCHAR, condition VARCHAR, minimum DOUBLE, provisional BOOLEAN, source VARCHAR
);
CREATE OR REPLACE TABLE rule_prior (rubric VARCHAR, predicate VARCHAR, prior_predicate VARCHAR);
CREATE OR REPLACE TABLE rule_sources (source VARCHAR, description VARCHAR);
CREATE OR REPLACE TABLE provinces_ref (code INTEGER, bps_code INTEGER, nama VARCHAR, singkatan VARCHAR, wilayah VARCHAR);
CREATE OR REPLACE TABLE context_indices (
    province_code INTEGER, indeks VARCHAR, tahun INTEGER, nilai DOUBLE, kategori VARCHAR, sumber VARCHAR, catatan VARCHAR
);
CREATE OR REPLACE TABLE national_awards (
    tahun INTEGER, unit_dievaluasi INTEGER, wbk INTEGER, wbbm INTEGER, sumber VARCHAR, catatan VARCHAR
);
CREATE OR REPLACE TABLE meta (key VARCHAR, value VARCHAR);
-- The LKE question bank (data/lke_questions.csv, [lke] of data/rules.toml): `sub_area` is the bank's (PW-R3a and
-- PW-R3b apart), `rules_sub_area` the rules' (PW-R3 whole); `items_in_sub_area` counts its scored items.
CREATE OR REPLACE TABLE rule_questions (
    kode VARCHAR, soal_id INTEGER, bank_order SMALLINT, rubric VARCHAR, bagian VARCHAR, area VARCHAR, sub_area VARCHAR,
    sub_area_name VARCHAR, sub_area_weight DOUBLE, rules_sub_area VARCHAR, jenis VARCHAR, options VARCHAR, formula VARCHAR,
    pertanyaan VARCHAR, scored BOOLEAN, items_in_sub_area SMALLINT, input_of VARCHAR, source VARCHAR, bank_version VARCHAR
);

-- Good practices (praktik baik), loaded from practice files; a row is never replaced, only added.
CREATE TABLE IF NOT EXISTS practices (
    province_code INTEGER NOT NULL, instansi VARCHAR NOT NULL, instansi_key VARCHAR NOT NULL,
    unit VARCHAR, unit_key VARCHAR, year INTEGER NOT NULL, area VARCHAR, subarea VARCHAR,
    practice VARCHAR NOT NULL, practice_key VARCHAR NOT NULL, source VARCHAR NOT NULL, catatan VARCHAR,
    load_id INTEGER NOT NULL, file_name VARCHAR NOT NULL, source_row INTEGER NOT NULL
);

-- Proposals to PortalRB (usulan.csv): which units an instansi proposes for a year, and as what. One row per unit
-- key and year; `afirmasi` is true for an affirmation proposal. A later load replaces a row (the old one goes to
-- usulan_history) or, with kategori `-`, withdraws it.
CREATE TABLE IF NOT EXISTS usulan (
    province_code INTEGER NOT NULL, instansi_key VARCHAR NOT NULL, unit_key VARCHAR NOT NULL, year INTEGER NOT NULL,
    kategori VARCHAR NOT NULL, afirmasi BOOLEAN NOT NULL,
    load_id INTEGER NOT NULL, file_name VARCHAR NOT NULL, source_row INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS usulan_history AS SELECT *, NULL::INTEGER AS replaced_by_load FROM usulan WITH NO DATA;

-- Stable unit ids (what PortalRB calls `unit_id`): given to a unit key once and never changed or reused. Several
-- keys may share one id: a unit whose name was corrected keeps its id when a file names it (a PortalRB JSON's
-- `unit_id`, an `unit_id` cell of usulan.csv). No `load_id` column on purpose: a rollback takes data back, not
-- ids, which PortalRB may already have pulled; `assigned_load` only says which load gave the id.
CREATE TABLE IF NOT EXISTS stable_ids (
    stable_id VARCHAR NOT NULL, province_code INTEGER NOT NULL, instansi_key VARCHAR NOT NULL, unit_key VARCHAR NOT NULL,
    source VARCHAR NOT NULL, file_name VARCHAR, assigned_load INTEGER NOT NULL
);
