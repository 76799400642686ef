-- marts.country_year: one row per country and report year, wide.
-- Counts are the narrative's current-period figures (not the comparison baselines), totals
-- only (no sex/labor subtype); when a narrative gives several, the first one printed for the
-- usual data year (report_year - 1) wins. Every figure is traceable in marts.measures.
CREATE OR REPLACE TABLE marts.country_year AS
WITH narratives AS (
    SELECT * FROM staging.narratives
),
current_figures AS (
    SELECT narrative_id, measure, subtype, value, value_start, data_year, report_year
    FROM staging.measures
    WHERE NOT is_prior_period
),
picked AS (
    SELECT narrative_id, measure, subtype,
           arg_min(value, (CASE WHEN data_year IS NULL OR data_year = report_year - 1 THEN 0 ELSE 1 END) * 1000000000 + value_start) AS value
    FROM current_figures
    GROUP BY ALL
),
wide AS (
    SELECT narrative_id,
        max(value) FILTER (WHERE measure = 'investigations' AND subtype IS NULL)        AS investigations,
        max(value) FILTER (WHERE measure = 'prosecutions' AND subtype IS NULL)          AS prosecutions,
        max(value) FILTER (WHERE measure = 'convictions' AND subtype IS NULL)           AS convictions,
        max(value) FILTER (WHERE measure = 'victims_identified' AND subtype IS NULL)    AS victims_identified,
        max(value) FILTER (WHERE measure = 'arrests' AND subtype IS NULL)               AS arrests
    FROM picked
    GROUP BY narrative_id
)
SELECT
    n.country_iso3,
    n.country,
    n.report_year,
    n.tier,
    n.compliance,
    n.is_source,
    n.is_transit,
    n.is_destination,
    CAST(w.investigations AS BIGINT)     AS investigations,
    CAST(w.prosecutions AS BIGINT)       AS prosecutions,
    CAST(w.convictions AS BIGINT)        AS convictions,
    CAST(w.victims_identified AS BIGINT) AS victims_identified,
    CAST(w.arrests AS BIGINT)            AS arrests,
    n.source_url
FROM narratives n
LEFT JOIN wide w USING (narrative_id)
ORDER BY n.country_iso3, n.report_year;
