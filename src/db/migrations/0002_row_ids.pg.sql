-- Record and subtable-row ids are handed out from a small counter row per app, so a write does
-- not rewrite the app row (which carries the whole definition).
CREATE TABLE app_seq (
    app_id BIGINT PRIMARY KEY REFERENCES apps(id),
    next_record_id BIGINT NOT NULL DEFAULT 1,
    next_row_id BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX records_live ON records (app_id, id) WHERE deleted_at IS NULL;
