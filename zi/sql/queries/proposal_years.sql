-- proposal_years: the years in which a province has TPI scores (what a proposal rests on), newest first.
-- Params: $province.
SELECT DISTINCT year FROM scores WHERE province_code = $province AND stage = 'TPI' ORDER BY year DESC;
