-- Run bookkeeping in the working store.
CREATE TABLE IF NOT EXISTS meta.runs (
    run_id        VARCHAR PRIMARY KEY,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    command       VARCHAR,
    status        VARCHAR,                 -- running | published | failed | validation_failed
    summary       JSON
);
CREATE TABLE IF NOT EXISTS marts.validation_runs (
    run_id           VARCHAR NOT NULL,
    validated_at     TIMESTAMP NOT NULL,
    suite            VARCHAR NOT NULL,
    expectation      VARCHAR NOT NULL,
    severity         VARCHAR NOT NULL,     -- critical | warning
    success          BOOLEAN NOT NULL,
    unexpected_count BIGINT,
    detail           VARCHAR
);

-- What the last fetch of each report year found (one row per year, replaced each time the year is
-- fetched): the index page, the narrative pages it links to, and what they answered. The build
-- copies it; sql/marts/80_year_coverage.sql turns it into marts.year_coverage.
CREATE TABLE IF NOT EXISTS meta.year_fetches (
    report_year      INTEGER PRIMARY KEY,
    run_id           VARCHAR NOT NULL,
    checked_at       TIMESTAMP NOT NULL,
    index_url        VARCHAR,
    index_result     VARCHAR,              -- fetched | unchanged | stored copy | not found | failed
    index_error      VARCHAR,
    pages_linked     INTEGER NOT NULL,
    pages_fetched    INTEGER NOT NULL,     -- new or changed bodies stored
    pages_unchanged  INTEGER NOT NULL,
    pages_not_found  INTEGER NOT NULL,
    pages_failed     INTEGER NOT NULL,
    linked_pages     VARCHAR[],
    missing_pages    VARCHAR[],            -- 'URL: why' for every linked page without a body
    unreachable      VARCHAR,              -- why no source of the year answered (NULL when one did)
    "partial"        VARCHAR               -- why the year was reached but not whole (NULL when whole)
);
