-- The legal clock (標準処理期間, issue #4). Dates are 'YYYY-MM-DD' in Japan time. A record's clock
-- starts at receipt (clock_start, day 0: the day of receipt is not counted), pauses while the
-- record waits for the applicant, and stops at a final status. clock_since: the day the clock
-- last changed state; clock_used: open days used before clock_since; clock_paused: open days
-- spent in completed pauses; clock_limit: the 標準処理期間 (open days) in force at receipt;
-- clock_due: receipt + clock_limit + clock_paused open days; clock_days: open days used as of
-- clock_asof (kept current by the daily refresh, what $days_used queries).
ALTER TABLE records ADD COLUMN clock_state TEXT;
ALTER TABLE records ADD COLUMN clock_start TEXT;
ALTER TABLE records ADD COLUMN clock_since TEXT;
ALTER TABLE records ADD COLUMN clock_used INTEGER;
ALTER TABLE records ADD COLUMN clock_paused INTEGER;
ALTER TABLE records ADD COLUMN clock_limit INTEGER;
ALTER TABLE records ADD COLUMN clock_due TEXT;
ALTER TABLE records ADD COLUMN clock_days INTEGER;
ALTER TABLE records ADD COLUMN clock_asof TEXT;
-- the clocks the daily refresh walks, and due-date lists and sorts
CREATE INDEX records_clock_open ON records (app_id, id)
    WHERE clock_state IN ('running', 'paused') AND deleted_at IS NULL;
CREATE INDEX records_clock_due ON records (app_id, clock_due)
    WHERE clock_due IS NOT NULL AND deleted_at IS NULL;
-- The ward's changes to the built-in calendar of open days: an extra closed day (open = 0,
-- 臨時閉庁日) or a holiday made an open day (open = 1). calendar_rev.stamp changes (to a random
-- value) with every change, so each process knows when its cached copy is stale.
CREATE TABLE calendar_days (
    date TEXT PRIMARY KEY,
    open INTEGER NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    modifier TEXT NOT NULL,
    modified_at INTEGER NOT NULL
);
CREATE TABLE calendar_rev (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    stamp INTEGER NOT NULL
);
INSERT INTO calendar_rev (id, stamp) VALUES (1, 0);
