-- int_points: every score row with each area and result resolved to points.
-- An area given as halves is their sum; a result given only as a survey index is converted with the
-- rules (index / survey_scale_max x the indicator's weight; provisional in data/rules.toml).
CREATE OR REPLACE VIEW int_points AS
WITH survey AS (
    SELECT r.rubric, r.survey_scale_max,
           max(i.weight) FILTER (WHERE i.column_name = 'ipak') AS ipak_weight,
           max(i.weight) FILTER (WHERE i.column_name = 'ipkp') AS ipkp_weight
    FROM rule_rubrics r LEFT JOIN rule_indicators i USING (rubric)
    GROUP BY ALL
)
SELECT
    s.* REPLACE (
        coalesce(s.mp, s.mp_pemenuhan + s.mp_reform) AS mp,
        coalesce(s.tt, s.tt_pemenuhan + s.tt_reform) AS tt,
        coalesce(s.sdm, s.sdm_pemenuhan + s.sdm_reform) AS sdm,
        coalesce(s.ak, s.ak_pemenuhan + s.ak_reform) AS ak,
        coalesce(s.pw, s.pw_pemenuhan + s.pw_reform) AS pw,
        coalesce(s.pp, s.pp_pemenuhan + s.pp_reform) AS pp,
        coalesce(s.ipak, s.ipak_indeks / v.survey_scale_max * v.ipak_weight) AS ipak,
        coalesce(s.ipkp, s.ipkp_indeks / v.survey_scale_max * v.ipkp_weight) AS ipkp
    ),
    s.mp_pemenuhan IS NOT NULL AS halves_given
FROM stg_rekap s LEFT JOIN survey v USING (rubric);
