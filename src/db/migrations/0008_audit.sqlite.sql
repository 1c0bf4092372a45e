-- The tamper-evident audit log (issue #4). Each entry carries the SHA-256 of the previous one
-- (prev_hash) and its own over an unambiguous serialisation of every column (domain/audit.c);
-- seq is assigned by the writer (head + 1), so a gap means a removed entry.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,              -- Unix ms
    actor TEXT NOT NULL,              -- login code, 'token:<id>', 'system' or ''
    ip TEXT NOT NULL,
    action TEXT NOT NULL,             -- record.view, record.update, login.ok, audit.prune, ...
    target TEXT NOT NULL,             -- 'app:3/record:12', 'file:<key>', ...
    outcome TEXT NOT NULL,            -- ok, denied, error
    detail TEXT NOT NULL,             -- JSON object text, hashed as stored
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_by_at ON audit_log (at);
-- Append-only against mistakes (not against someone who can edit the file: that is what the
-- hash chain and the signed checkpoints are for). Pruning deletes; nothing updates.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- The chain head: the last seq and hash, and the last checkpoint. One row; writers read it,
-- append and move it in the same transaction.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    cp_seq INTEGER NOT NULL,
    cp_at INTEGER NOT NULL
);
INSERT INTO audit_head (id, seq, hash, cp_seq, cp_at)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0, 0);
-- Ed25519 signatures over (kind, seq, hash, at) by the audit key (outside the data directory).
-- kind: periodic (every N entries), daily, anchor (written before pruning: verification starts
-- after the newest anchor).
CREATE TABLE audit_checkpoints (
    id INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    hash TEXT NOT NULL,
    key_id TEXT NOT NULL,
    signature TEXT NOT NULL,
    kind TEXT NOT NULL
);
CREATE INDEX audit_checkpoints_by_seq ON audit_checkpoints (seq);
