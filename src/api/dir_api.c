/* STUB: directory API (issue #3, in progress). */
#include "api.h"

enum err
api_v1_users(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_v1_orgs(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_v1_groups(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_v1_user_orgs(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_v1_user_groups(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_v1_org_users(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_v1_group_users(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_admin_users_post(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_admin_users_put(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_admin_users_delete(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_admin_orgs_post(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_admin_orgs_put(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_admin_orgs_delete(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_admin_groups_post(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_admin_groups_put(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_admin_groups_delete(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_admin_memberships_put(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_admin_import(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_admin_user_unlock(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_admin_user_reset_mfa(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_admin_user_password(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_admin_events(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

