/* The files under web/, compiled into the binary (build/gen/assets.c), served under /assets/
 * with an ETag: pages never depend on files installed next to the program. Text files carry a
 * gzip copy made at build time (scripts/gen-assets.sh); a client that accepts gzip gets it with
 * Content-Encoding: gzip and an ETag of its own (a cache must not mix the two bodies), and
 * every compressible answer says Vary: Accept-Encoding. */
#include "api/api.h"

#include "core/arena.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct asset {
    const char *path;
    const char *type;
    const unsigned char *data;
    size_t len;
    const char *etag;
    const unsigned char *gz; /* NULL when gzip would not make it smaller */
    size_t gzlen;
    const char *gzetag;
};
extern const struct asset assets[];
extern const int assets_count;

/* Whether an Accept-Encoding value allows gzip: a "gzip" (or "*") member whose q is not 0.
 * An explicit "gzip;q=0" wins over "*". */
static bool
accepts_gzip(const char *v)
{
    bool star = false, gzip = false, gzip_seen = false;
    while (v && *v) {
        while (*v == ' ' || *v == '\t' || *v == ',')
            v++;
        const char *tok = v;
        while (*v && *v != ',' && *v != ';' && *v != ' ' && *v != '\t')
            v++;
        size_t n = (size_t)(v - tok);
        bool zero = false;
        const char *end = strchr(v, ',');
        if (!end)
            end = v + strlen(v);
        for (const char *q = v; q < end; q++) {
            if ((*q == 'q' || *q == 'Q') && q + 1 < end && q[1] == '=') {
                const char *d = q + 2;
                /* q=0, q=0., q=0.000: zero; anything with a non-zero digit is not */
                if (*d == '0') {
                    zero = true;
                    for (d++; d < end && (*d == '.' || isdigit((unsigned char)*d)); d++)
                        if (*d >= '1' && *d <= '9')
                            zero = false;
                }
            }
        }
        if (n == 4 && strncasecmp(tok, "gzip", 4) == 0) {
            gzip_seen = true;
            gzip = !zero;
        } else if (n == 1 && *tok == '*') {
            star = !zero;
        }
        v = end;
    }
    return gzip_seen ? gzip : star;
}

/* Answers with asset a, gzipped when it has a copy and the client accepts it. */
static enum err
send(struct req *r, const struct asset *a, int status)
{
    bool gz = a->gz && accepts_gzip(req_header(r, "accept-encoding"));
    const unsigned char *data = gz ? a->gz : a->data;
    size_t len = gz ? a->gzlen : a->len;
    if (a->gz)
        req_set_header(r, "Vary", "Accept-Encoding");
    if (gz)
        req_set_header(r, "Content-Encoding", "gzip");
    char *body = malloc(len ? len : 1);
    if (!body)
        return fail_set(&r->fail, ERR_INTERNAL, NULL);
    memcpy(body, data, len);
    req_set_body(r, status, a->type, body, len);
    return ERR_OK;
}

static const struct asset *
find(const char *path)
{
    for (int i = 0; i < assets_count; i++)
        if (strcmp(assets[i].path, path) == 0)
            return &assets[i];
    return NULL;
}

/* /staff/ and everything under it: the staff app's one page (its screens are hash routes). */
enum err
public_staff_app(struct req *r, json_t *p)
{
    (void)p;
    const struct asset *a = find("/assets/staff/index.html");
    if (!a)
        return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
    req_set_header(r, "Cache-Control", "no-store");
    return send(r, a, 200);
}

enum err
public_asset(struct req *r, json_t *p)
{
    (void)p;
    const struct asset *a = find(r->path);
    if (!a)
        return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
    bool gz = a->gz && accepts_gzip(req_header(r, "accept-encoding"));
    const char *etag = gz ? a->gzetag : a->etag;
    req_set_header(r, "ETag", etag);
    req_set_header(r, "Cache-Control", "public, max-age=300, must-revalidate");
    const char *inm = req_header(r, "if-none-match");
    if (inm && strcmp(inm, etag) == 0) {
        if (a->gz)
            req_set_header(r, "Vary", "Accept-Encoding");
        req_set_body(r, 304, a->type, strdup(""), 0);
        return ERR_OK;
    }
    return send(r, a, 200);
}
