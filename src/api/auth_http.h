/* auth_http: the HTTP side of staff login, shared by the dispatcher and the /auth handlers:
 * the client address behind trusted proxies, cookies and the session cookie's attributes,
 * the session headers, and 429 answers of the rate limits. */
#ifndef MADO_AUTH_HTTP_H
#define MADO_AUTH_HTTP_H

#include "api/api.h"
#include "core/ipnet.h"
#include "domain/session.h"

struct ratelimit;

/* Finds the client address (X-Forwarded-For only from trusted proxies), sets r->ctx.ip to its
 * text ("" if unknown) and *out (false if unknown). */
bool api_client_ip(struct req *r, struct ipaddr *out);
/* HTTPS as the browser sees it: our own TLS, or a trusted proxy saying X-Forwarded-Proto: https. */
bool api_secure(const struct req *r);
/* Value of cookie name (arena copy) or NULL. */
const char *api_cookie(struct req *r, const char *name);
/* Set-Cookie for a new session token / to end the cookie. */
void api_session_cookie(struct req *r, const char *token);
void api_session_cookie_clear(struct req *r);
/* X-Session-Expires (Unix seconds of the earlier of idle and absolute end) and, within
 * session_warn_min of it, X-Session-Warning: 1. */
void api_session_headers(struct req *r, const struct session *s);
/* Counts one event under key; over the limit: ERR_RATE_LIMITED with Retry-After and event
 * ratelimit (once a minute per key). rl NULL = unlimited. */
enum err api_rate_hit(struct req *r, struct ratelimit *rl, const char *what, const char *key) MUST_CHECK;
/* The 429 answer for a wait of secs seconds (what names the limit in the event). */
enum err api_rate_refuse(struct req *r, int secs, const char *what, const char *key) MUST_CHECK;

#endif
