/* TEMP stubs (issue #4). */
#include "api.h"

enum err
api_audit_entries_get(struct req *r, json_t *p)
{
    (void)p;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_audit_verify_get(struct req *r, json_t *p)
{
    (void)p;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

