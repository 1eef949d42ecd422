-- years_available: evaluation years present, newest first.
SELECT DISTINCT year FROM scores ORDER BY year DESC;
