-- Applicant portal (issue #6): the thread between the ward and the applicant of a record
-- (messages, correction and missing-document requests with due dates, the applicant's
-- replies with files and field corrections), and the documents issued on a record (PDFs;
-- those marked for delivery are listed on the portal).
CREATE TABLE record_messages (
    id BIGSERIAL PRIMARY KEY,
    app_id BIGINT NOT NULL,
    record_id BIGINT NOT NULL,
    sender TEXT NOT NULL,                 -- 'ward' | 'applicant'
    kind TEXT NOT NULL,                   -- 'message' | 'correction' | 'missing' | 'reply'
    body TEXT NOT NULL,
    due_date TEXT,                        -- YYYY-MM-DD: requests the ward waits on
    fields TEXT NOT NULL DEFAULT '[]',    -- correction: field codes unlocked for the applicant
    documents TEXT NOT NULL DEFAULT '[]', -- missing: the documents asked for
    files TEXT NOT NULL DEFAULT '[]',     -- [{fileKey, name, contentType, size}]
    changes TEXT NOT NULL DEFAULT '[]',   -- reply: [{field, label, from, to}]
    reply_to BIGINT,                          -- reply: the request it answers
    answered_at BIGINT,                       -- request: when the applicant replied
    reminded_at BIGINT,                       -- request: the applicant was reminded of the due date
    lapsed_at BIGINT,                         -- request: staff were told the due date passed
    author TEXT NOT NULL DEFAULT '',      -- staff login (never shown to the applicant)
    revision BIGINT NOT NULL DEFAULT 0,       -- record revision after the message (0 = unchanged)
    created_at BIGINT NOT NULL
);
CREATE INDEX record_messages_by_record ON record_messages (app_id, record_id, id);
CREATE INDEX record_messages_open ON record_messages (due_date) WHERE answered_at IS NULL;
CREATE TABLE record_documents (
    id BIGSERIAL PRIMARY KEY,
    app_id BIGINT NOT NULL,
    record_id BIGINT NOT NULL,
    title TEXT NOT NULL,                  -- 帳票名: 許可書, 通知書 ...
    file_key TEXT NOT NULL,               -- download key of the PDF (files)
    sha256 TEXT NOT NULL,                 -- hex of the PDF bytes
    size BIGINT NOT NULL,
    template_code TEXT NOT NULL DEFAULT '',
    template_version BIGINT NOT NULL DEFAULT 0,
    record_revision BIGINT NOT NULL DEFAULT 0, -- the record revision it was made from
    verify_code TEXT UNIQUE,              -- /verify/{code} (issue #7)
    delivered_at BIGINT,                      -- marked for delivery to the applicant
    delivered_by TEXT,
    revoked_at BIGINT,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX record_documents_by_record ON record_documents (app_id, record_id, id);
