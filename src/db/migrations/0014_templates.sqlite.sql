-- Document templates (issue #7): per app, every save a new version (docs/templates.md).
-- Issued documents (record_documents) name the template code and version they came from.
CREATE TABLE doc_templates (
    id INTEGER PRIMARY KEY,
    app_id INTEGER NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    def TEXT NOT NULL,                    -- the latest version's definition
    version INTEGER NOT NULL,
    deleted_at INTEGER,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    UNIQUE (app_id, code)
);
CREATE TABLE doc_template_versions (
    template_id INTEGER NOT NULL REFERENCES doc_templates(id),
    version INTEGER NOT NULL,
    def TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (template_id, version)
);
-- revocation of an issued document (/verify/{code} says so)
ALTER TABLE record_documents ADD COLUMN revoked_by TEXT;
ALTER TABLE record_documents ADD COLUMN revoke_reason TEXT;
