/* HTTP helpers of staff login; see auth_http.h. */
#include "auth_http.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/ratelimit.h"
#include "domain/auth.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

bool
api_client_ip(struct req *r, struct ipaddr *out)
{
    struct ipaddr peer;
    r->ctx.ip = "";
    if (!r->remote_addr || !ipaddr_parse(r->remote_addr, &peer))
        return false;
    const struct ipnet_list *trusted = auth_policy()->trusted_proxies;
    if (ipnet_list_empty(trusted))
        *out = peer; /* the common case: no proxy list, nothing more to read */
    else
        ipnet_client(trusted, &peer, req_header_joined(r, "x-forwarded-for"), out);
    char *text = arena_alloc(r->arena, 46);
    ipaddr_format(out, text);
    r->ctx.ip = text;
    return true;
}

bool
api_secure(const struct req *r)
{
    if (r->tls)
        return true;
    const char *proto = req_header(r, "x-forwarded-proto");
    struct ipaddr peer;
    return proto && strcasecmp(proto, "https") == 0 && r->remote_addr &&
           ipaddr_parse(r->remote_addr, &peer) &&
           ipnet_list_contains(auth_policy()->trusted_proxies, &peer);
}

const char *
api_cookie(struct req *r, const char *name)
{
    /* HTTP/2 may split Cookie into several headers: joined with ',' here, ';' between pairs */
    const char *h = req_header_joined(r, "cookie");
    size_t nl = strlen(name);
    for (const char *p = h; p && *p;) {
        while (*p == ' ' || *p == ';' || *p == ',')
            p++;
        const char *end = p + strcspn(p, ";,");
        if ((size_t)(end - p) > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
            const char *v = p + nl + 1;
            size_t n = (size_t)(end - v);
            while (n && v[n - 1] == ' ')
                n--;
            if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
                v++;
                n -= 2;
            }
            return arena_strndup(r->arena, v, n);
        }
        p = end;
    }
    return NULL;
}

static void
set_cookie(struct req *r, const char *value, bool clear)
{
    req_set_header(r, "Set-Cookie",
                   arena_printf(r->arena, "%s=%s; Path=/; %sHttpOnly; SameSite=Strict%s",
                                SESSION_COOKIE, value, clear ? "Max-Age=0; " : "",
                                api_secure(r) ? "; Secure" : ""));
}

void
api_session_cookie(struct req *r, const char *token)
{
    set_cookie(r, token, false);
}

void
api_session_cookie_clear(struct req *r)
{
    set_cookie(r, "", true);
}

void
api_session_headers(struct req *r, const struct session *s)
{
    req_set_header(r, "X-Session-Expires", arena_printf(r->arena, "%lld", (long long)s->deadline));
    if (s->deadline - r->ctx.now <= (int64_t)auth_policy()->session_warn_min * 60)
        req_set_header(r, "X-Session-Warning", "1");
}

enum err
api_rate_refuse(struct req *r, int secs, const char *what, const char *key)
{
    req_set_header(r, "Retry-After", arena_printf(r->arena, "%d", secs < 1 ? 1 : secs));
    auth_event_once(&r->ctx, "ratelimit", arena_printf(r->arena, "%s:%s", what, key), NULL,
                    arena_printf(r->arena, "{\"limit\":\"%s\",\"retryAfter\":%d}", what, secs));
    return fail_set(&r->fail, ERR_RATE_LIMITED, NULL);
}

enum err
api_rate_hit(struct req *r, struct ratelimit *rl, const char *what, const char *key)
{
    if (!rl)
        return ERR_OK;
    int secs = ratelimit_hit(rl, key, clock_now_ms());
    return secs > 0 ? api_rate_refuse(r, secs, what, key) : ERR_OK;
}
