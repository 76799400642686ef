-- marts.region_year: per State Department region and report year, how many countries sit on each
-- tier and the sums of the law-enforcement figures of marts.country_year (with how many countries
-- reported each figure: a sum covers only the narratives that state the number).
CREATE OR REPLACE TABLE marts.region_year AS
SELECT
    region,
    any_value(region_name)                                   AS region_name,
    report_year,
    report_year - 1                                          AS data_year,
    count(*)                                                 AS n_countries,
    count(*) FILTER (WHERE tier = '1')                       AS n_tier_1,
    count(*) FILTER (WHERE tier = '2')                       AS n_tier_2,
    count(*) FILTER (WHERE tier = '2WL')                     AS n_tier_2wl,
    count(*) FILTER (WHERE tier = '3')                       AS n_tier_3,
    count(*) FILTER (WHERE tier = 'SPECIAL')                 AS n_special_case,
    round(avg(tier_rank), 3)                                 AS mean_tier_rank,
    CAST(sum(investigations) AS BIGINT)                        AS investigations,
    CAST(sum(prosecutions) AS BIGINT)                          AS prosecutions,
    CAST(sum(prosecutions_labor) AS BIGINT)                    AS prosecutions_labor,
    CAST(sum(convictions) AS BIGINT)                           AS convictions,
    CAST(sum(convictions_labor) AS BIGINT)                     AS convictions_labor,
    CAST(sum(victims_identified) AS BIGINT)                    AS victims_identified,
    CAST(sum(victims_identified_labor) AS BIGINT)              AS victims_identified_labor,
    count(investigations)                                    AS n_reporting_investigations,
    count(prosecutions)                                      AS n_reporting_prosecutions,
    count(convictions)                                       AS n_reporting_convictions,
    count(victims_identified)                                AS n_reporting_victims_identified
FROM marts.country_year
GROUP BY region, report_year
ORDER BY report_year, region NULLS LAST;
