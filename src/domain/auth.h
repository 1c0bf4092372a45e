/* auth: who is calling, and staff login. Turns the kintone credentials of a request
 * (X-Cybozu-API-Token, one or several; X-Cybozu-Authorization) into ctx->who, and manages the
 * accounts and tokens behind them. Password checks cost an argon2id hash, so a verified
 * credential is cached for a short time keyed by a MAC of the header (never the header
 * itself); the entry is dropped when the user's password version changes.
 * Also the login policy of the [security] settings (auth.c), the password rules
 * (auth_password.c), the steps of a browser login with failure counting and lockout
 * (auth_login.c) and the second factor: TOTP and recovery codes (auth_mfa.c). Browser sessions
 * themselves are domain/session.h. */
#ifndef MADO_AUTH_H
#define MADO_AUTH_H

#include "domain/ctx.h"

#include <stdbool.h>
#include <stdint.h>

/* Fills c->who; ERR_AUTH_REQUIRED when no credentials, ERR_AUTH_FAILED / ERR_TOKEN_INVALID on
 * bad ones. tokens: comma-joined header value or NULL; basic: X-Cybozu-Authorization or NULL
 * (wins when both are given, as on kintone). Basic works for service accounts, and for other
 * staff only while TOTP is not required (it cannot carry a second factor); locked and disabled
 * accounts fail; a wrong password of a non-service account counts towards its lockout.
 * A token whose allow-list (api_tokens.allow_ips) does not contain c->ip gives ERR_IP_DENIED
 * (event ip.deny). */
enum err auth_principal(struct ctx *c, const char *tokens, const char *basic) MUST_CHECK;

enum err auth_user_add(struct ctx *c, const char *login, const char *name, const char *password,
                       bool is_admin, bool is_service, int64_t *id) MUST_CHECK;
enum err auth_user_set_password(struct ctx *c, const char *login, const char *password) MUST_CHECK;
/* Display name of a user code, or NULL. */
const char *auth_user_name(struct ctx *c, const char *login);

/* Creates an API token for app_id with the ACL_* permissions; the plain token (43 chars) is
 * written to out, only its hash is stored. */
enum err auth_token_add(struct ctx *c, int64_t app_id, unsigned perms, char out[64]) MUST_CHECK;

/* Seconds a verified password stays cached (default 300; 0 disables). */
void auth_set_cache_ttl(int seconds);

/* Security event for action, at most once a minute per action and key (refusals that can
 * repeat at request rate: ip.deny, ratelimit). key: e.g. the client IP, "acct:alice". */
void auth_event_once(struct ctx *c, const char *action, const char *key, const char *actor,
                     const char *detail_json);

/* ---- policy ----------------------------------------------------------------------------
 * The [security] settings as the login code uses them, the master key, the parsed CIDR lists
 * and the rate limiters. Set once at start-up; immutable afterwards (the limiters are
 * thread-safe themselves). */
struct config;
struct sec_key;
struct ipnet_list;
struct ratelimit;

struct auth_policy {
    bool mfa_required, mfa_exempt_service;
    int password_min, password_history;
    int lockout_attempts, lockout_minutes;
    int session_idle_min, session_admin_idle_min, session_max_hours, session_warn_min;
    long rate_token;
    const struct sec_key *key; /* NULL in unit tests: CSRF falls back to the process MAC key */
    struct ipnet_list *trusted_proxies, *staff_allow, *admin_allow; /* NULL = empty */
    struct ratelimit *rl_login_ip, *rl_login_account, *rl_auth_fail, *rl_token;
    struct ratelimit *rl_events; /* one event per key per minute (ratelimit, ip.deny) */
};

/* Login policy and keys from the [security] settings; called once at start-up (server, CLI,
 * tests) before any request, again only by tests. key: the master key (seals TOTP secrets,
 * keys recovery-code hashes and CSRF tokens). cfg may be NULL (defaults). Returns false, with
 * a message on stderr, when a CIDR list is invalid: the caller refuses to start. */
bool auth_configure(const struct config *cfg, const struct sec_key *key);
const struct auth_policy *auth_policy(void);
/* Whether TOTP is required of an account (browser logins; Basic auth is refused for accounts
 * that need it, since Basic cannot carry a second factor). */
bool auth_mfa_applies(bool is_service);

/* Creates an API token like auth_token_add, with a display name (may be "") and a CIDR
 * allowlist (may be ""; validated, ERR_INVALID with errors["allowIps"] when malformed). */
enum err auth_token_create(struct ctx *c, int64_t app_id, unsigned perms, const char *name,
                           const char *allow_ips, char out[64]) MUST_CHECK;

/* ---- passwords (auth_password.c) ---------------------------------------------------------- */

/* Sets a user's password after checking the policy: at least password_min characters
 * (counted in Unicode code points), not one of the last password_history passwords, not the
 * login itself. temporary = the user must change it at the next login (password set by an
 * administrator). Records it in password_history, bumps pw_version (ends cached credentials)
 * and revokes the user's other sessions unless keep_session_id (0 = revoke all).
 * ERR_INVALID with errors["password"] on a policy failure (message says which rule).
 * Runs in the caller's transaction; costs up to password_history + 1 argon2id operations. */
enum err auth_password_set(struct ctx *c, int64_t user_id, const char *password, bool temporary,
                           int64_t keep_session_id) MUST_CHECK;
/* The two halves of auth_password_set, so that a caller can do the slow half (policy checks
 * and hashing, reads only) before taking the write lock: check writes the new hash to hash. */
enum err auth_password_check(struct ctx *c, int64_t user_id, const char *password,
                             char hash[128]) MUST_CHECK;
enum err auth_password_store(struct ctx *c, int64_t user_id, const char *hash, bool temporary,
                             int64_t keep_session_id) MUST_CHECK;

/* ---- browser login (auth_login.c) --------------------------------------------------------- */

/* What the login steps need to know about an account (arena strings). */
struct auth_user {
    int64_t id;
    const char *login, *name;
    bool is_admin, is_service, disabled;
    bool must_change_password, totp_enabled;
    int64_t failed_logins, locked_until, totp_last_step;
};
enum err auth_user_load(struct ctx *c, int64_t id, struct auth_user *u, bool *found) MUST_CHECK;

enum auth_verdict {
    AUTH_OK,
    AUTH_UNKNOWN,      /* no such login */
    AUTH_BAD_PASSWORD, /* counts towards the lockout */
    AUTH_LOCKED,
    AUTH_DISABLED,
    AUTH_SERVICE, /* service accounts use the API only */
};
/* Checks a browser login's password (no writes, no transaction: argon2id takes tens of ms and
 * must not hold the write lock). Unknown logins are verified against a dummy hash, so every
 * verdict costs the same. u is filled unless AUTH_UNKNOWN. */
enum err auth_login_check(struct ctx *c, const char *login, const char *password,
                          struct auth_user *u, enum auth_verdict *v) MUST_CHECK;
/* Records a failed attempt (wrong password or second factor): logs event action (detail may be
 * NULL), counts it, and at lockout_attempts locks the account for lockout_minutes (event
 * login.locked). *locked tells whether the account is locked now. */
enum err auth_login_failed(struct ctx *c, const struct auth_user *u, const char *action,
                           const char *detail_json, bool *locked) MUST_CHECK;
/* A login reached stage 'ok': resets the failure count, remembers time and IP (users.
 * last_login_*), event login.ok. */
enum err auth_login_complete(struct ctx *c, const struct auth_user *u,
                             int64_t session_id) MUST_CHECK;

/* ---- second factor (auth_mfa.c) ----------------------------------------------------------- */

#define AUTH_RECOVERY_CODES 10
#define AUTH_RECOVERY_CODE_MAX 16

enum auth_mfa_result { MFA_OK, MFA_RECOVERY, MFA_REPLAY, MFA_BAD };
/* Checks a code against the user's active TOTP secret (window +-1 step, each step once) or,
 * when allow_recovery, an unused recovery code (then used up). Writes the replay guard / the
 * used mark in the caller's transaction and logs mfa.recovery_used; failures (MFA_REPLAY: a
 * code of an already used step, MFA_BAD) are for the caller to count (auth_login_failed). */
enum err auth_mfa_verify(struct ctx *c, const struct auth_user *u, const char *code,
                         bool allow_recovery, enum auth_mfa_result *res) MUST_CHECK;
/* Starts (re-)enrolment: a fresh secret stored sealed as pending (the active one, if any,
 * keeps working until confirmed). Arena strings: secret (base32), otpauth URI, QR code SVG. */
enum err auth_totp_setup(struct ctx *c, const struct auth_user *u, const char **secret,
                         const char **uri, const char **qr_svg) MUST_CHECK;
/* Confirms the pending secret with a code from it: it becomes the active secret and a new set
 * of recovery codes replaces the old one (codes[i], arena, shown once). ERR_INVALID with
 * errors["code"] for a wrong code or no pending secret. */
enum err auth_totp_confirm(struct ctx *c, const struct auth_user *u, const char *code,
                           const char *codes[AUTH_RECOVERY_CODES]) MUST_CHECK;
/* Replaces the user's recovery codes with a new set (arena strings). */
enum err auth_recovery_regenerate(struct ctx *c, const struct auth_user *u,
                                  const char *codes[AUTH_RECOVERY_CODES]) MUST_CHECK;

#endif
