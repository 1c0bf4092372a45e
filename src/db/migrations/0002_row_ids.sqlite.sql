-- Subtable row ids are unique per app, handed out from a counter on the app.
ALTER TABLE apps ADD COLUMN next_row_id INTEGER NOT NULL DEFAULT 1;
CREATE INDEX records_live ON records (app_id, id) WHERE deleted_at IS NULL;
