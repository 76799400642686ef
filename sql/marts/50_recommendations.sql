-- marts.recommendations: one row per recommendation of a narrative, in printed order.
CREATE OR REPLACE TABLE marts.recommendations AS
SELECT
    r.narrative_id || '#' || lpad(CAST(r.position AS VARCHAR), 2, '0') AS recommendation_id,
    r.narrative_id,
    r.country_iso3,
    c.country,
    c.region,
    r.report_year,
    r.position,
    r.recommendation,
    r.start  AS evidence_start,
    r."end"  AS evidence_end,
    r.source_url
FROM staging.recommendations r
LEFT JOIN marts.countries c ON c.country_iso3 = r.country_iso3
ORDER BY r.narrative_id, r.position, r.start;
