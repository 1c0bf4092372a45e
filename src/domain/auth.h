/* auth: who is calling. Turns the kintone credentials of a request (X-Cybozu-API-Token, one or
 * several; X-Cybozu-Authorization for service accounts) into ctx->who, and manages the
 * accounts and tokens behind them. Password checks cost an argon2id hash, so a verified
 * credential is cached for a short time keyed by a MAC of the header (never the header
 * itself); the entry is dropped when the user's password version changes. */
#ifndef MADO_AUTH_H
#define MADO_AUTH_H

#include "domain/ctx.h"

#include <stdbool.h>
#include <stdint.h>

/* Fills c->who; ERR_AUTH_REQUIRED when no credentials, ERR_AUTH_FAILED / ERR_TOKEN_INVALID on
 * bad ones. tokens: comma-joined header value or NULL; basic: X-Cybozu-Authorization or NULL. */
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

/* Login policy and keys from the [security] settings; called once at start-up (server, CLI,
 * tests) before any request. key: the master key (seals TOTP secrets, keys recovery-code
 * hashes and CSRF tokens). Both may be NULL in unit tests (defaults; no key-dependent features). */
struct config;
struct sec_key;
void auth_configure(const struct config *cfg, const struct sec_key *key);

/* Sets a user's password after checking the policy: at least password_min characters
 * (counted in Unicode code points), not one of the last password_history passwords, not the
 * login itself. temporary = the user must change it at the next login (password set by an
 * administrator). Records it in password_history, bumps pw_version (ends cached credentials)
 * and revokes the user's other sessions unless keep_session_id (0 = revoke all).
 * ERR_INVALID with errors["password"] on a policy failure (message says which rule). */
enum err auth_password_set(struct ctx *c, int64_t user_id, const char *password, bool temporary,
                           int64_t keep_session_id) MUST_CHECK;

#endif
