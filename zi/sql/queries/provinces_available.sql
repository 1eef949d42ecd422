-- provinces_available: provinces with at least one score row, in Kemendagri code order.
SELECT DISTINCT province_code, province, province_abbr FROM scores ORDER BY province_code;
