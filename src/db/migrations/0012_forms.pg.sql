-- Public application forms (issue #5): definitions (an editable draft and frozen versions),
-- applicants' drafts (answers encrypted at rest), their attachments, and the link between a
-- submitted record and its applicant (the idempotency anchor of a submission).
CREATE TABLE forms (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    app_id BIGINT NOT NULL,
    def TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
);
CREATE TABLE form_versions (
    form_id BIGINT NOT NULL REFERENCES forms(id),
    version BIGINT NOT NULL,
    def TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    published_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (form_id, version)
);
CREATE TABLE form_drafts (
    id BIGSERIAL PRIMARY KEY,
    form_id BIGINT NOT NULL REFERENCES forms(id),
    form_version BIGINT NOT NULL,
    applicant_id BIGINT NOT NULL REFERENCES applicants(id),
    data BYTEA NOT NULL,
    step BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    reminded_at BIGINT,
    UNIQUE (applicant_id, form_id)
);
CREATE INDEX form_drafts_by_expiry ON form_drafts (expires_at);
CREATE TABLE form_draft_files (
    id BIGSERIAL PRIMARY KEY,
    draft_id BIGINT NOT NULL,
    field_code TEXT NOT NULL,
    upload_key TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX form_draft_files_by_draft ON form_draft_files (draft_id);
CREATE TABLE record_owners (
    app_id BIGINT NOT NULL,
    record_id BIGINT NOT NULL,
    applicant_id BIGINT NOT NULL REFERENCES applicants(id),
    receipt_no TEXT NOT NULL,
    form_code TEXT NOT NULL,
    form_version BIGINT NOT NULL,
    draft_id BIGINT NOT NULL UNIQUE,
    idempotency_key TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    PRIMARY KEY (app_id, record_id)
);
CREATE INDEX record_owners_by_applicant ON record_owners (applicant_id, form_code);
