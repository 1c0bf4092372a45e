/* session: staff browser sessions. The cookie carries 32 random bytes (base64url); the
 * database keeps only their hash. A session walks through login stages before it may do
 * anything: 'password' (a temporary password must be changed), 'enrol' (TOTP must be set up),
 * 'mfa' (a TOTP code is pending), then 'ok'. It ends on logout, on revocation (password change,
 * logout everywhere), after session_idle_min without requests (session_admin_idle_min for
 * administrators) or session_max_hours after login, whichever comes first.
 * Lookups are one indexed query, remembered per worker thread for up to 2 s; a revocation in
 * this process is seen at once (an epoch counter), one in another process within 2 s. */
#ifndef MADO_SESSION_H
#define MADO_SESSION_H

#include "domain/ctx.h"

#include <stdbool.h>
#include <stdint.h>

#define SESSION_COOKIE "madoguchi_session"
#define SESSION_TOKEN_LEN 43 /* base64url of 32 bytes, no padding */
#define SESSION_TOUCH_EVERY 60 /* last_seen_at is written at most this often (seconds) */

enum session_stage { SESSION_PASSWORD, SESSION_ENROL, SESSION_MFA, SESSION_OK };

struct session {
    int64_t id, user_id;
    enum session_stage stage;
    int64_t created_at, last_seen_at, expires_at; /* expires_at: the absolute end */
    int64_t deadline;                             /* earlier of idle end and absolute end */
    char token_hash[65];
    const char *login, *name; /* arena */
    bool is_admin, is_service;
};

enum session_state { SESSION_NONE, SESSION_VALID, SESSION_ENDED };

const char *session_stage_name(enum session_stage st);
/* The stage a login continues with once the earlier ones are done: a temporary password is
 * changed first, then TOTP is enrolled or verified (when required), then 'ok'. */
enum session_stage session_next_stage(bool must_change_password, bool mfa, bool totp_enabled);

/* Creates a session; token (SESSION_TOKEN_LEN chars + NUL) is what the cookie carries. */
enum err session_create(struct ctx *c, int64_t user_id, enum session_stage stage,
                        const char *user_agent, char token[64], int64_t *id) MUST_CHECK;

/* The session of a cookie value. SESSION_VALID fills s and c->who (PRIN_USER, session_id);
 * touch = the request counts as activity (last_seen_at). SESSION_ENDED: revoked, expired (then
 * revoked now, event session.expired) or the account is disabled. SESSION_NONE: unknown or
 * malformed token. */
enum err session_check(struct ctx *c, const char *token, bool touch, struct session *s,
                       enum session_state *state) MUST_CHECK;
/* Loads a session by id without side effects (for handlers that need its details). */
enum err session_get(struct ctx *c, int64_t id, struct session *s, bool *found) MUST_CHECK;

enum err session_set_stage(struct ctx *c, int64_t id, enum session_stage stage) MUST_CHECK;
enum err session_revoke(struct ctx *c, int64_t id) MUST_CHECK;
/* Revokes the session a cookie value names, if any (a new login replaces the old session). */
enum err session_revoke_token(struct ctx *c, const char *token) MUST_CHECK;
/* Revokes every session of the user except keep_id (0 = all). */
enum err session_revoke_user(struct ctx *c, int64_t user_id, int64_t keep_id) MUST_CHECK;
/* Forget cached lookups in every thread (after a commit that revoked or changed sessions). */
void session_cache_invalidate(void);

/* The CSRF request token of a session (hex, 64 chars): a keyed MAC of the session's token
 * hash, so it needs no storage and dies with the session. */
void session_csrf_token(const struct session *s, char out[65]);
/* Constant-time comparison of a presented request token with the session's. */
bool session_csrf_ok(const struct session *s, const char *presented);

/* Deletes sessions that ended (revoked or past their absolute end) more than a day before
 * now; they keep their rows that long for the security event trail. *n = rows deleted. */
enum err session_purge(struct ctx *c, int64_t *n) MUST_CHECK;

/* Idle seconds of a session (administrators have their own, shorter timeout). */
int64_t session_idle_seconds(bool is_admin);

/* The user's previous completed login before this session (time and IP), if any. */
enum err session_previous_login(struct ctx *c, const struct session *s, int64_t *at,
                                const char **ip, bool *found) MUST_CHECK;

#endif
