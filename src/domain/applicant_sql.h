/* All SQL of the applicant module. */
#ifndef MADO_APPLICANT_SQL_H
#define MADO_APPLICANT_SQL_H

#define APL_SQL_CODES_SUPERSEDE                                                                    \
    "UPDATE applicant_codes SET used_at = $2 WHERE email = $1 AND used_at IS NULL"
#define APL_SQL_CODE_ADD                                                                           \
    "INSERT INTO applicant_codes (email, code_hash, form_code, created_at, expires_at) "           \
    "VALUES ($1, $2, $3, $4, $5)"
#define APL_SQL_CODE_LATEST                                                                        \
    "SELECT id, code_hash, tries, expires_at FROM applicant_codes WHERE email = $1 AND "          \
    "used_at IS NULL ORDER BY id DESC LIMIT 1"
#define APL_SQL_CODE_TRY "UPDATE applicant_codes SET tries = tries + 1 WHERE id = $1"
#define APL_SQL_CODE_USE "UPDATE applicant_codes SET used_at = $2 WHERE id = $1"
#define APL_SQL_CODES_PURGE "DELETE FROM applicant_codes WHERE expires_at < $1"
#define APL_SQL_FIND "SELECT id FROM applicants WHERE email = $1"
#define APL_SQL_ADD "INSERT INTO applicants (email, created_at, last_verified_at) VALUES ($1, $2, $2)"
#define APL_SQL_VERIFIED "UPDATE applicants SET last_verified_at = $2 WHERE id = $1"
#define APL_SQL_SESSION_ADD                                                                        \
    "INSERT INTO applicant_sessions (token_hash, applicant_id, created_at, last_seen_at, "        \
    "expires_at) VALUES ($1, $2, $3, $3, $4)"
#define APL_SQL_SESSION                                                                            \
    "SELECT s.id, s.applicant_id, s.last_seen_at, s.expires_at, s.ended_at, a.email "             \
    "FROM applicant_sessions s JOIN applicants a ON a.id = s.applicant_id WHERE s.token_hash = $1"
#define APL_SQL_SESSION_TOUCH "UPDATE applicant_sessions SET last_seen_at = $2 WHERE id = $1"
#define APL_SQL_SESSION_END                                                                        \
    "UPDATE applicant_sessions SET ended_at = $2 WHERE token_hash = $1 AND ended_at IS NULL"

#endif
