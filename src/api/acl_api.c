/* STUB: kintone ACL endpoints (issue #3, in progress). */
#include "api.h"

enum err
api_app_acl_get(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_app_acl_put(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_record_acl_get(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_record_acl_put(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_field_acl_get(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_field_acl_put(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_acl_evaluate(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_access_report(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

