/* Access decisions for API callers; see acl.h. */
#include "acl.h"

enum err
acl_app(struct ctx *c, int64_t app_id, unsigned need)
{
    switch (c->who.kind) {
    case PRIN_SYSTEM:
        return ERR_OK;
    case PRIN_USER:
        /* service accounts work with records; app settings need an administrator */
        if (c->who.is_admin || !(need & ACL_MANAGE))
            return ERR_OK;
        return fail_set(c->fail, ERR_FORBIDDEN, NULL);
    case PRIN_TOKEN: {
        unsigned have = 0;
        bool any = false;
        for (int i = 0; i < c->who.ntokens; i++) {
            if (c->who.tokens[i].app_id == app_id) {
                have |= c->who.tokens[i].perms;
                any = true;
            }
        }
        if (!any)
            return fail_set(c->fail, ERR_TOKEN_APP, NULL);
        if ((have & need) != need)
            return fail_set(c->fail, ERR_FORBIDDEN, NULL);
        return ERR_OK;
    }
    default:
        return fail_set(c->fail, ERR_AUTH_REQUIRED, NULL);
    }
}

enum err
acl_admin(struct ctx *c)
{
    if (c->who.kind == PRIN_SYSTEM || (c->who.kind == PRIN_USER && c->who.is_admin))
        return ERR_OK;
    return fail_set(c->fail, ERR_FORBIDDEN, NULL);
}
