/* TEMP stubs (issue #5). */
#include "api.h"

enum err
api_apply_verify(struct req *r, json_t *p)
{
    (void)p;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_apply_confirm(struct req *r, json_t *p)
{
    (void)p;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_apply_logout(struct req *r, json_t *p)
{
    (void)p;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

