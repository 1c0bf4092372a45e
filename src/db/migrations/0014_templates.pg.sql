-- Document templates (issue #7): per app, every save a new version (docs/templates.md).
-- Issued documents (record_documents) name the template code and version they came from.
CREATE TABLE doc_templates (
    id BIGSERIAL PRIMARY KEY,
    app_id BIGINT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    def TEXT NOT NULL,                    -- the latest version's definition
    version BIGINT NOT NULL,
    deleted_at BIGINT,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    UNIQUE (app_id, code)
);
CREATE TABLE doc_template_versions (
    template_id BIGINT NOT NULL REFERENCES doc_templates(id),
    version BIGINT NOT NULL,
    def TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (template_id, version)
);
-- revocation of an issued document (/verify/{code} says so)
ALTER TABLE record_documents ADD COLUMN revoked_by TEXT;
ALTER TABLE record_documents ADD COLUMN revoke_reason TEXT;
