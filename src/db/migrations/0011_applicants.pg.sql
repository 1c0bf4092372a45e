-- Applicants (issue #5): e-mail addresses proven by a one-time code, and their sessions.
CREATE TABLE applicants (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_verified_at BIGINT
);
-- Codes are stored as keyed hashes; a new code supersedes the older ones of the address.
CREATE TABLE applicant_codes (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    form_code TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    tries BIGINT NOT NULL DEFAULT 0,
    used_at BIGINT
);
CREATE INDEX applicant_codes_by_email ON applicant_codes (email, id);
CREATE TABLE applicant_sessions (
    id BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    applicant_id BIGINT NOT NULL REFERENCES applicants(id),
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ended_at BIGINT
);
