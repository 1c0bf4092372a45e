-- The mail outbox (issue #5): domain code queues a message in its own transaction, the sender
-- thread delivers it over SMTP. body: the UTF-8 text sealed with the master key (sec_encrypt),
-- base64. state: queued → sending → sent, or back to queued with next_attempt_at moved out
-- (exponential backoff), or failed after [mail] max_attempts. claimed_at: when a sender took it
-- (a message left in "sending" by a crashed node goes back to queued after 10 minutes).
CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    kind TEXT NOT NULL,
    ref TEXT,
    state TEXT NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_at INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    sent_at INTEGER
);
-- what the sender claims each second, and the administrators' filters
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE state = 'queued';
CREATE INDEX mail_outbox_state ON mail_outbox (state, id);
CREATE INDEX mail_outbox_ref ON mail_outbox (ref, id);
