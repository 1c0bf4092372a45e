-- Public application forms (issue #5): definitions (an editable draft and frozen versions),
-- applicants' drafts (answers encrypted at rest), their attachments, and the link between a
-- submitted record and its applicant (the idempotency anchor of a submission).
CREATE TABLE forms (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    app_id INTEGER NOT NULL,
    def TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
);
CREATE TABLE form_versions (
    form_id INTEGER NOT NULL REFERENCES forms(id),
    version INTEGER NOT NULL,
    def TEXT NOT NULL,
    published_at INTEGER NOT NULL,
    published_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (form_id, version)
);
-- AUTOINCREMENT: a draft id is the idempotency anchor of its submission (record_owners.draft_id)
-- and must never be reused after the draft is deleted
CREATE TABLE form_drafts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    form_id INTEGER NOT NULL REFERENCES forms(id),
    form_version INTEGER NOT NULL,
    applicant_id INTEGER NOT NULL REFERENCES applicants(id),
    data BLOB NOT NULL,
    step INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    reminded_at INTEGER,
    UNIQUE (applicant_id, form_id)
);
CREATE INDEX form_drafts_by_expiry ON form_drafts (expires_at);
CREATE TABLE form_draft_files (
    id INTEGER PRIMARY KEY,
    draft_id INTEGER NOT NULL,
    field_code TEXT NOT NULL,
    upload_key TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX form_draft_files_by_draft ON form_draft_files (draft_id);
CREATE TABLE record_owners (
    app_id INTEGER NOT NULL,
    record_id INTEGER NOT NULL,
    applicant_id INTEGER NOT NULL REFERENCES applicants(id),
    receipt_no TEXT NOT NULL,
    form_code TEXT NOT NULL,
    form_version INTEGER NOT NULL,
    draft_id INTEGER NOT NULL UNIQUE,
    idempotency_key TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, record_id)
);
CREATE INDEX record_owners_by_applicant ON record_owners (applicant_id, form_code);
