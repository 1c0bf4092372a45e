/* TEMP stubs (issue #5). */
#include "api.h"

enum err
api_apply_forms(struct req *r, json_t *p)
{
    (void)p;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_apply_form(struct req *r, json_t *p)
{
    (void)p;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_apply_draft_get(struct req *r, json_t *p)
{
    (void)p;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_apply_draft_put(struct req *r, json_t *p)
{
    (void)p;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_apply_file_post(struct req *r, json_t *p)
{
    (void)p;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_apply_submit(struct req *r, json_t *p)
{
    (void)p;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

