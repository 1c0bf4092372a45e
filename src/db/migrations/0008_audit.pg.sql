-- The tamper-evident audit log (issue #4); see 0008_audit.sqlite.sql for the meaning of each
-- column. detail is TEXT, not JSONB: the hash covers the text exactly as written.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    ip TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_by_at ON audit_log (at);
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
-- One row, locked FOR UPDATE by every writer, so concurrent transactions chain in commit order.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    cp_seq BIGINT NOT NULL,
    cp_at BIGINT NOT NULL
);
INSERT INTO audit_head (id, seq, hash, cp_seq, cp_at)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0, 0);
CREATE TABLE audit_checkpoints (
    id BIGSERIAL PRIMARY KEY,
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    hash TEXT NOT NULL,
    key_id TEXT NOT NULL,
    signature TEXT NOT NULL,
    kind TEXT NOT NULL
);
CREATE INDEX audit_checkpoints_by_seq ON audit_checkpoints (seq);
-- One entry in one round trip (the common case: a request's entry): locks the head, hashes
-- exactly as domain/audit.c does (see docs/audit.md), appends and moves the head. Returns the
-- new seq and hash and the head's last checkpoint, so the caller can sign one when due (the key
-- never enters the database).
CREATE FUNCTION audit_append_one(p_at BIGINT, p_actor TEXT, p_ip TEXT, p_action TEXT,
                                 p_target TEXT, p_outcome TEXT, p_detail TEXT)
RETURNS TABLE (new_seq BIGINT, new_hash TEXT, cp_seq BIGINT, cp_at BIGINT) AS $$
DECLARE
    h audit_head%ROWTYPE;
    s BIGINT;
    x TEXT;
    buf BYTEA;
    f TEXT;
BEGIN
    SELECT * INTO h FROM audit_head WHERE id = 1 FOR UPDATE;
    s := h.seq + 1;
    -- every part framed as (8-byte big-endian length, bytes); the two integers are 8-byte parts
    buf := convert_to('madoguchi-audit-v1', 'UTF8') || int8send(8::BIGINT) || int8send(s)
        || int8send(8::BIGINT) || int8send(p_at);
    FOREACH f IN ARRAY ARRAY[p_actor, p_ip, p_action, p_target, p_outcome, p_detail, h.hash] LOOP
        buf := buf || int8send(octet_length(convert_to(f, 'UTF8'))::BIGINT) || convert_to(f, 'UTF8');
    END LOOP;
    x := encode(sha256(buf), 'hex');
    INSERT INTO audit_log (seq, at, actor, ip, action, target, outcome, detail, prev_hash, hash)
    VALUES (s, p_at, p_actor, p_ip, p_action, p_target, p_outcome, p_detail, h.hash, x);
    UPDATE audit_head SET seq = s, hash = x WHERE id = 1;
    RETURN QUERY SELECT s, x, h.cp_seq, h.cp_at;
END
$$ LANGUAGE plpgsql;
