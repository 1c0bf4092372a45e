-- The staff dashboard (GET /api/kpi.json, src/domain/kpi.c): covering indexes so that each
-- figure is read from an index of the live records of one app, never from the table rows
-- (their data column is large): decided records by the day their clock stopped, running
-- clocks by due date (the overdue list), receipts by day, pending records by status.
CREATE INDEX records_kpi_decided ON records (app_id, clock_state, clock_since, clock_used, clock_limit)
    WHERE deleted_at IS NULL;
CREATE INDEX records_kpi_due ON records (app_id, clock_state, clock_due, id, status)
    WHERE deleted_at IS NULL;
CREATE INDEX records_kpi_start ON records (app_id, clock_start) WHERE deleted_at IS NULL;
CREATE INDEX records_kpi_status ON records (app_id, status, clock_state) WHERE deleted_at IS NULL;
