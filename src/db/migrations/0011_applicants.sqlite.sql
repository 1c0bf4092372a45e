-- Applicants (issue #5): e-mail addresses proven by a one-time code, and their sessions.
CREATE TABLE applicants (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    last_verified_at INTEGER
);
-- Codes are stored as keyed hashes; a new code supersedes the older ones of the address.
CREATE TABLE applicant_codes (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    form_code TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    tries INTEGER NOT NULL DEFAULT 0,
    used_at INTEGER
);
CREATE INDEX applicant_codes_by_email ON applicant_codes (email, id);
CREATE TABLE applicant_sessions (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    applicant_id INTEGER NOT NULL REFERENCES applicants(id),
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ended_at INTEGER
);
