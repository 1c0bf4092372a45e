/* STUB: staff login endpoints (issue #3, in progress). */
#include "api.h"

enum err
api_auth_login(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_auth_mfa(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_auth_password(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_auth_session(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_auth_logout(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_auth_logout_all(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_auth_totp_setup(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_auth_totp_confirm(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_auth_recovery_codes(struct req *r, json_t *params)
{
    (void)params;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

