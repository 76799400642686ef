-- raw.documents: one row per fetch attempt (or per file read from a dir: source).
-- The bytes live in the content-addressed raw store under sha256; this table says where they came from.
CREATE TABLE IF NOT EXISTS raw.documents (
    fetch_id        VARCHAR PRIMARY KEY,   -- sha256 of (url, fetched_at): unique per attempt
    url             VARCHAR NOT NULL,      -- canonical URL (https://host/path) or file:// path
    source          VARCHAR NOT NULL,      -- 'statedept' or 'dir'
    report_year     INTEGER,               -- the report year the URL belongs to, when the source knows it
    kind            VARCHAR NOT NULL,      -- 'index' (a page listing narratives) or 'narrative' (a page holding one or more)
    status          INTEGER,               -- HTTP status (200, 304, 404, ...); NULL when no response
    fetched_at      TIMESTAMP NOT NULL,
    sha256          VARCHAR,               -- content hash of the body; for a 304, the hash of the stored body it confirmed
    content_type    VARCHAR,
    etag            VARCHAR,
    last_modified   VARCHAR,
    bytes           BIGINT,
    error           VARCHAR                -- why no body was stored (timeout, 404, size cap, ...)
);
