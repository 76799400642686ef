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
