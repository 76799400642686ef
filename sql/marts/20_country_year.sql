-- marts.country_year: one row per country and report year, wide.
-- Figures come from marts.measures (its country_year_columns says which row fed which column);
-- tier history columns compare with the same country's narrative of the previous report year.
CREATE OR REPLACE TABLE marts.country_year AS
WITH n AS (
    SELECT
        n.*,
        CASE n.tier WHEN '1' THEN 1.0 WHEN '2' THEN 2.0 WHEN '2WL' THEN 2.5 WHEN '3' THEN 3.0 END AS tier_rank
    FROM staging.narratives n
),
runs AS (
    SELECT
        narrative_id,
        sum(CASE WHEN prev_tier IS DISTINCT FROM tier OR prev_year IS DISTINCT FROM report_year - 1 THEN 1 ELSE 0 END)
            OVER (PARTITION BY country_iso3 ORDER BY report_year ROWS UNBOUNDED PRECEDING) AS run_no,
        country_iso3, report_year, tier
    FROM (
        SELECT narrative_id, country_iso3, report_year, tier,
               lag(tier) OVER (PARTITION BY country_iso3 ORDER BY report_year)        AS prev_tier,
               lag(report_year) OVER (PARTITION BY country_iso3 ORDER BY report_year) AS prev_year
        FROM n
    )
),
run_len AS (
    SELECT narrative_id,
           row_number() OVER (PARTITION BY country_iso3, run_no ORDER BY report_year) AS tier_run_years
    FROM runs
),
figures AS (
    SELECT narrative_id, col, value
    FROM (SELECT narrative_id, unnest(country_year_columns) AS col, value FROM marts.measures)
),
wide AS (
    SELECT narrative_id,
        max(value) FILTER (WHERE col = 'investigations')               AS investigations,
        max(value) FILTER (WHERE col = 'investigations_sex')           AS investigations_sex,
        max(value) FILTER (WHERE col = 'investigations_labor')         AS investigations_labor,
        max(value) FILTER (WHERE col = 'prosecutions')                 AS prosecutions,
        max(value) FILTER (WHERE col = 'prosecutions_sex')             AS prosecutions_sex,
        max(value) FILTER (WHERE col = 'prosecutions_labor')           AS prosecutions_labor,
        max(value) FILTER (WHERE col = 'convictions')                  AS convictions,
        max(value) FILTER (WHERE col = 'convictions_sex')              AS convictions_sex,
        max(value) FILTER (WHERE col = 'convictions_labor')            AS convictions_labor,
        max(value) FILTER (WHERE col = 'victims_identified')           AS victims_identified,
        max(value) FILTER (WHERE col = 'victims_identified_sex')       AS victims_identified_sex,
        max(value) FILTER (WHERE col = 'victims_identified_labor')     AS victims_identified_labor,
        max(value) FILTER (WHERE col = 'potential_victims_identified') AS potential_victims_identified,
        max(value) FILTER (WHERE col = 'arrests')                      AS arrests,
        max(value) FILTER (WHERE col = 'sentence_min_years')           AS sentence_min_years,
        max(value) FILTER (WHERE col = 'sentence_max_years')           AS sentence_max_years
    FROM figures
    GROUP BY narrative_id
),
nmeasures AS (
    SELECT narrative_id, count(*) AS n_measures FROM marts.measures GROUP BY narrative_id
),
nrecs AS (
    SELECT narrative_id, count(*) AS n_recommendations FROM staging.recommendations GROUP BY narrative_id
)
SELECT
    n.country_iso3,
    coalesce(c.country, n.country)                      AS country,
    n.country                                           AS country_as_printed,
    c.region,
    c.region_name,
    n.report_year,
    n.report_year - 1                                   AS data_year,
    n.narrative_id,
    n.tier,
    n.tier_rank,
    p.tier                                              AS previous_tier,
    p.tier_rank                                         AS previous_tier_rank,
    CASE
        WHEN n.tier_rank IS NULL OR p.tier_rank IS NULL THEN NULL
        WHEN n.tier_rank < p.tier_rank THEN 'upgraded'
        WHEN n.tier_rank > p.tier_rank THEN 'downgraded'
        ELSE 'unchanged'
    END                                                 AS tier_change,
    n.tier_movement                                     AS tier_movement_stated,
    rl.tier_run_years,
    CASE WHEN n.tier = '2WL' THEN rl.tier_run_years ELSE 0 END AS watch_list_years,
    n.consecutive_years                                 AS consecutive_years_stated,
    n.waiver,
    n.compliance,
    n.territory_marker                                  AS is_territory,
    n.is_source,
    n.is_transit,
    n.is_destination,
    n.is_internal,
    CAST(w.investigations AS BIGINT)                    AS investigations,
    CAST(w.investigations_sex AS BIGINT)                AS investigations_sex,
    CAST(w.investigations_labor AS BIGINT)              AS investigations_labor,
    CAST(w.prosecutions AS BIGINT)                      AS prosecutions,
    CAST(w.prosecutions_sex AS BIGINT)                  AS prosecutions_sex,
    CAST(w.prosecutions_labor AS BIGINT)                AS prosecutions_labor,
    CAST(w.convictions AS BIGINT)                       AS convictions,
    CAST(w.convictions_sex AS BIGINT)                   AS convictions_sex,
    CAST(w.convictions_labor AS BIGINT)                 AS convictions_labor,
    CAST(w.victims_identified AS BIGINT)                AS victims_identified,
    CAST(w.victims_identified_sex AS BIGINT)            AS victims_identified_sex,
    CAST(w.victims_identified_labor AS BIGINT)          AS victims_identified_labor,
    CAST(w.potential_victims_identified AS BIGINT)      AS potential_victims_identified,
    CAST(w.arrests AS BIGINT)                           AS arrests,
    w.sentence_min_years,
    w.sentence_max_years,
    coalesce(nm.n_measures, 0)                          AS n_measures,
    coalesce(nr.n_recommendations, 0)                   AS n_recommendations,
    n.text_length                                       AS narrative_length,
    n.source_url
FROM n
LEFT JOIN n p ON p.country_iso3 = n.country_iso3 AND p.report_year = n.report_year - 1
LEFT JOIN run_len rl ON rl.narrative_id = n.narrative_id
LEFT JOIN marts.countries c ON c.country_iso3 = n.country_iso3
LEFT JOIN wide w ON w.narrative_id = n.narrative_id
LEFT JOIN nmeasures nm ON nm.narrative_id = n.narrative_id
LEFT JOIN nrecs nr ON nr.narrative_id = n.narrative_id
ORDER BY n.country_iso3, n.report_year;
