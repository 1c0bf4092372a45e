-- Foundation schema (PostgreSQL). Times are Unix seconds (UTC). Record data is a JSON object of
-- typed values keyed by field code (see docs/architecture.md "Stored values").
CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    password_hash TEXT,
    is_admin BIGINT NOT NULL DEFAULT 0,
    is_service BIGINT NOT NULL DEFAULT 0,
    pw_version BIGINT NOT NULL DEFAULT 1,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE TABLE apps (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    live TEXT NOT NULL,
    preview TEXT NOT NULL,
    revision BIGINT NOT NULL DEFAULT 1,
    live_revision BIGINT NOT NULL DEFAULT 1,
    deploy_status TEXT NOT NULL DEFAULT 'SUCCESS',
    creator TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    modifier TEXT NOT NULL,
    modified_at BIGINT NOT NULL,
    deleted_at BIGINT
);
CREATE TABLE records (
    rid BIGSERIAL PRIMARY KEY,
    app_id BIGINT NOT NULL REFERENCES apps(id),
    id BIGINT NOT NULL,
    revision BIGINT NOT NULL,
    status TEXT,
    assignees TEXT,
    data JSONB NOT NULL,
    creator TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    modifier TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    deleted_at BIGINT,
    UNIQUE (app_id, id)
);
CREATE TABLE record_revisions (
    app_id BIGINT NOT NULL,
    record_id BIGINT NOT NULL,
    revision BIGINT NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    at BIGINT NOT NULL,
    data JSONB NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (app_id, record_id, revision)
);
CREATE TABLE record_unique (
    app_id BIGINT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    PRIMARY KEY (app_id, field, value)
);
CREATE INDEX record_unique_by_record ON record_unique (app_id, record_id);
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE record_search (
    app_id BIGINT NOT NULL,
    record_id BIGINT NOT NULL,
    field TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX record_search_by_record ON record_search (app_id, record_id);
CREATE INDEX record_search_trgm ON record_search USING gin (body gin_trgm_ops);
CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    app_id BIGINT NOT NULL REFERENCES apps(id),
    token_hash TEXT NOT NULL UNIQUE,
    can_view BIGINT NOT NULL DEFAULT 0,
    can_add BIGINT NOT NULL DEFAULT 0,
    can_edit BIGINT NOT NULL DEFAULT 0,
    can_delete BIGINT NOT NULL DEFAULT 0,
    can_manage BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE TABLE blobs (
    hash TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    data BYTEA
);
CREATE TABLE files (
    file_key TEXT PRIMARY KEY,
    blob_hash TEXT NOT NULL REFERENCES blobs(hash),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    creator TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    app_id BIGINT,
    record_id BIGINT
);
CREATE INDEX files_unattached ON files (created_at) WHERE record_id IS NULL;
CREATE TABLE comments (
    app_id BIGINT NOT NULL,
    record_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    text TEXT NOT NULL,
    mentions TEXT NOT NULL DEFAULT '[]',
    creator TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    deleted_at BIGINT,
    PRIMARY KEY (app_id, record_id, id)
);
CREATE TABLE cursors (
    id TEXT PRIMARY KEY,
    app_id BIGINT NOT NULL,
    owner TEXT NOT NULL,
    fields TEXT NOT NULL,
    total BIGINT NOT NULL,
    pos BIGINT NOT NULL DEFAULT 0,
    size BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE TABLE cursor_rows (
    cursor_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    record_id BIGINT NOT NULL,
    PRIMARY KEY (cursor_id, seq)
);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
