/* The files under web/, compiled into the binary (build/gen/assets.c), served under /assets/
 * with an ETag: pages never depend on files installed next to the program. */
#include "api/api.h"

#include "core/arena.h"

#include <stdlib.h>
#include <string.h>

struct asset {
    const char *path;
    const char *type;
    const unsigned char *data;
    size_t len;
    const char *etag;
};
extern const struct asset assets[];
extern const int assets_count;

/* /staff/ and everything under it: the staff app's one page (its screens are hash routes). */
enum err
public_staff_app(struct req *r, json_t *p)
{
    (void)p;
    for (int i = 0; i < assets_count; i++) {
        const struct asset *a = &assets[i];
        if (strcmp(a->path, "/assets/staff/index.html") != 0)
            continue;
        char *body = malloc(a->len ? a->len : 1);
        if (!body)
            return fail_set(&r->fail, ERR_INTERNAL, NULL);
        memcpy(body, a->data, a->len);
        req_set_header(r, "Cache-Control", "no-store");
        req_set_body(r, 200, a->type, body, a->len);
        return ERR_OK;
    }
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
public_asset(struct req *r, json_t *p)
{
    (void)p;
    for (int i = 0; i < assets_count; i++) {
        const struct asset *a = &assets[i];
        if (strcmp(a->path, r->path) != 0)
            continue;
        req_set_header(r, "ETag", a->etag);
        req_set_header(r, "Cache-Control", "public, max-age=300, must-revalidate");
        const char *inm = req_header(r, "if-none-match");
        if (inm && strcmp(inm, a->etag) == 0) {
            req_set_body(r, 304, a->type, strdup(""), 0);
            return ERR_OK;
        }
        char *body = malloc(a->len ? a->len : 1);
        if (!body)
            return fail_set(&r->fail, ERR_INTERNAL, NULL);
        memcpy(body, a->data, a->len);
        req_set_body(r, 200, a->type, body, a->len);
        return ERR_OK;
    }
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}
