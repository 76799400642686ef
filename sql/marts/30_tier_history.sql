-- marts.tier_history: one row per country and report year of the panel, long, including the
-- report years in which the country was not rated, with the run of consecutive placements.
-- Countries: every country with at least one narrative. Years: every report year the panel holds
-- (a year that was not loaded is not a year "not rated"). A run counts consecutive report years
-- with the same placement; it breaks when the placement changes or a report year is missing.
CREATE OR REPLACE TABLE marts.tier_history AS
WITH years AS (SELECT DISTINCT report_year FROM staging.narratives),
countries AS (SELECT DISTINCT country_iso3 FROM staging.narratives),
grid AS (
    SELECT c.country_iso3, y.report_year, n.tier, n.narrative_id
    FROM countries c CROSS JOIN years y
    LEFT JOIN staging.narratives n ON n.country_iso3 = c.country_iso3 AND n.report_year = y.report_year
),
placed AS (
    SELECT *,
        CASE WHEN tier IS NULL THEN 'not_rated' WHEN tier = 'SPECIAL' THEN 'special_case' ELSE 'rated' END AS status,
        coalesce(tier, 'NOT RATED') AS placement,
        lag(coalesce(tier, 'NOT RATED')) OVER (PARTITION BY country_iso3 ORDER BY report_year) AS prev_placement,
        lag(report_year) OVER (PARTITION BY country_iso3 ORDER BY report_year)                  AS prev_year,
        lag(tier) OVER (PARTITION BY country_iso3 ORDER BY report_year)                         AS lag_tier
    FROM grid
),
numbered AS (
    SELECT *,
        sum(CASE WHEN prev_placement IS DISTINCT FROM placement OR prev_year IS DISTINCT FROM report_year - 1 THEN 1 ELSE 0 END)
            OVER (PARTITION BY country_iso3 ORDER BY report_year ROWS UNBOUNDED PRECEDING) AS run_no
    FROM placed
)
SELECT
    x.country_iso3,
    c.country,
    c.region,
    x.report_year,
    x.status,
    x.tier,
    CASE x.tier WHEN '1' THEN 1.0 WHEN '2' THEN 2.0 WHEN '2WL' THEN 2.5 WHEN '3' THEN 3.0 END AS tier_rank,
    CASE WHEN x.prev_year = x.report_year - 1 THEN x.lag_tier END                          AS previous_tier,
    row_number() OVER (PARTITION BY x.country_iso3, x.run_no ORDER BY x.report_year)      AS run_years,
    min(x.report_year) OVER (PARTITION BY x.country_iso3, x.run_no)                       AS run_start_year,
    x.narrative_id
FROM numbered x
LEFT JOIN marts.countries c ON c.country_iso3 = x.country_iso3
ORDER BY x.country_iso3, x.report_year;
