-- Process management (issue #4). A status action writes two revisions (the action, then the
-- status change), as kintone does; each revision row says which status it left the record in,
-- its assignees, and what happened (detail: action name, from, to, reason, writes).
ALTER TABLE record_revisions ADD COLUMN status TEXT;
ALTER TABLE record_revisions ADD COLUMN assignees TEXT;
ALTER TABLE record_revisions ADD COLUMN detail TEXT NOT NULL DEFAULT '{}';
-- When the record entered its current status (Unix seconds) and the revision that did it:
-- approvals of an ALL step and opinions belong to that visit of the status.
ALTER TABLE records ADD COLUMN status_at INTEGER;
ALTER TABLE records ADD COLUMN status_rev INTEGER;
CREATE INDEX records_by_status ON records (app_id, status) WHERE deleted_at IS NULL;
-- Who has approved the current visit of an ALL step (it moves on when everyone has).
CREATE TABLE wf_approvals (
    app_id INTEGER NOT NULL,
    record_id INTEGER NOT NULL,
    status_rev INTEGER NOT NULL,
    login TEXT NOT NULL,
    action TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (app_id, record_id, status_rev, login)
);
-- Opinions (意見) added at an approval step; they stay attached to that step.
CREATE TABLE opinions (
    app_id INTEGER NOT NULL,
    record_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    status TEXT NOT NULL,
    status_rev INTEGER NOT NULL,
    text TEXT NOT NULL,
    creator TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, record_id, id)
);
-- The in-app inbox: notifications to users (next assignees, send-backs, automatic actions).
CREATE TABLE inbox (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL,
    app_id INTEGER NOT NULL,
    record_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    read_at INTEGER
);
CREATE INDEX inbox_by_login ON inbox (login, id);
-- Time rules already run for a record's visit of a status (so a reminder fires once).
CREATE TABLE wf_rule_runs (
    app_id INTEGER NOT NULL,
    record_id INTEGER NOT NULL,
    rule TEXT NOT NULL,
    status_rev INTEGER NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (app_id, record_id, rule, status_rev)
);
-- Numbering (収受番号, 受付番号 ...): one counter per sequence name and period (e.g. fiscal year).
CREATE TABLE sequences (
    name TEXT NOT NULL,
    period TEXT NOT NULL,
    next INTEGER NOT NULL,
    PRIMARY KEY (name, period)
);
