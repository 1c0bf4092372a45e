/* TEMP stubs (issue #5). */
#include "api.h"

enum err
api_admin_forms_get(struct req *r, json_t *p)
{
    (void)p;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_admin_forms_put(struct req *r, json_t *p)
{
    (void)p;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_admin_form_publish(struct req *r, json_t *p)
{
    (void)p;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

