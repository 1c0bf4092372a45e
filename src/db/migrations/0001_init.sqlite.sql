-- Foundation schema (SQLite). Times are Unix seconds (UTC). Record data is a JSON object of
-- typed values keyed by field code (see docs/architecture.md "Stored values").
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    password_hash TEXT,
    is_admin INTEGER NOT NULL DEFAULT 0,
    is_service INTEGER NOT NULL DEFAULT 0,
    pw_version INTEGER NOT NULL DEFAULT 1,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE TABLE apps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    live TEXT NOT NULL,
    preview TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1,
    live_revision INTEGER NOT NULL DEFAULT 1,
    deploy_status TEXT NOT NULL DEFAULT 'SUCCESS',
    creator TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    modifier TEXT NOT NULL,
    modified_at INTEGER NOT NULL,
    deleted_at INTEGER
);
CREATE TABLE records (
    rid INTEGER PRIMARY KEY,
    app_id INTEGER NOT NULL REFERENCES apps(id),
    id INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    status TEXT,
    assignees TEXT,
    data TEXT NOT NULL,
    creator TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    modifier TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER,
    UNIQUE (app_id, id)
);
CREATE TABLE record_revisions (
    app_id INTEGER NOT NULL,
    record_id INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    at INTEGER NOT NULL,
    data TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (app_id, record_id, revision)
);
CREATE TABLE record_unique (
    app_id INTEGER NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    PRIMARY KEY (app_id, field, value)
);
CREATE INDEX record_unique_by_record ON record_unique (app_id, record_id);
CREATE VIRTUAL TABLE record_search USING fts5 (
    body, app_id UNINDEXED, record_id UNINDEXED, field UNINDEXED, tokenize = 'trigram'
);
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    app_id INTEGER NOT NULL REFERENCES apps(id),
    token_hash TEXT NOT NULL UNIQUE,
    can_view INTEGER NOT NULL DEFAULT 0,
    can_add INTEGER NOT NULL DEFAULT 0,
    can_edit INTEGER NOT NULL DEFAULT 0,
    can_delete INTEGER NOT NULL DEFAULT 0,
    can_manage INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE TABLE blobs (
    hash TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    data BLOB
);
CREATE TABLE files (
    file_key TEXT PRIMARY KEY,
    blob_hash TEXT NOT NULL REFERENCES blobs(hash),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    creator TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    app_id INTEGER,
    record_id INTEGER
);
CREATE INDEX files_unattached ON files (created_at) WHERE record_id IS NULL;
CREATE TABLE comments (
    app_id INTEGER NOT NULL,
    record_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    text TEXT NOT NULL,
    mentions TEXT NOT NULL DEFAULT '[]',
    creator TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    deleted_at INTEGER,
    PRIMARY KEY (app_id, record_id, id)
);
CREATE TABLE cursors (
    id TEXT PRIMARY KEY,
    app_id INTEGER NOT NULL,
    owner TEXT NOT NULL,
    fields TEXT NOT NULL,
    total INTEGER NOT NULL,
    pos INTEGER NOT NULL DEFAULT 0,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE cursor_rows (
    cursor_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    record_id INTEGER NOT NULL,
    PRIMARY KEY (cursor_id, seq)
);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
