/* applicant: the identity of citizens and businesses who apply online: an e-mail address
 * proven by a 6-digit code (valid 10 minutes, 5 tries, stored as a keyed hash, rate-limited
 * per address and per IP), and an applicant session (cookie APPLICANT_COOKIE, stored as a
 * hash). No answer ever tells whether an address is known. Separate from staff sessions. */
#ifndef MADO_APPLICANT_H
#define MADO_APPLICANT_H

#include "domain/ctx.h"

#define APPLICANT_COOKIE "mado_applicant"

struct applicant {
    int64_t id;
    const char *email;   /* normalised (lower-case domain) */
    int64_t session_id;
};

/* Sends a code to email (outbox, kind "verify"); form_code (may be NULL) names the form in
 * the mail. Always ERR_OK for a well-formed address, whether it is known or not (rate-limited
 * requests answer ERR_RATE_LIMITED). */
enum err applicant_verify_start(struct ctx *c, const char *email, const char *form_code) MUST_CHECK;
/* Checks the code; on success the applicant exists (created on first success), a session is
 * opened and *token is the cookie value (arena). Wrong, expired or used-up codes answer
 * ERR_VERIFY_FAILED (the same for all). */
enum err applicant_verify_confirm(struct ctx *c, const char *email, const char *code,
                                  struct applicant *out, const char **token) MUST_CHECK;
/* The applicant of a session cookie; ERR_APPLICANT_REQUIRED when absent or expired. */
enum err applicant_session(struct ctx *c, const char *token, struct applicant *out) MUST_CHECK;
enum err applicant_logout(struct ctx *c, const char *token) MUST_CHECK;
/* Finds or creates the applicant of a verified address and opens a session (*token: the
 * cookie value, arena). What a successful confirm does; tests call it directly. */
enum err applicant_open(struct ctx *c, const char *email, struct applicant *out,
                        const char **token) MUST_CHECK;
/* Tests only: fn sees every code sent (before it goes into the mail). NULL = nobody. */
void applicant_observe_codes(void (*fn)(const char *email, const char *code));
/* Forgets the per-address and per-IP counters of code requests (tests). */
void applicant_limits_reset(void);
/* Normalised address (arena) or NULL when it is not a usable address. */
const char *applicant_email_normalise(struct ctx *c, const char *email);

#endif
