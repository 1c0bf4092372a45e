/* Shared handler helpers; see common.h. */
#include "api/common.h"

#include "api/params.h"
#include "core/arena.h"
#include "domain/acl.h"

#include <stdio.h>

enum err
api_param_error(struct req *r, const char *key, enum msg m, const char *arg)
{
    fail_field(&r->fail, key, m, arg);
    return ERR_INVALID;
}

enum err
api_id(struct req *r, json_t *p, const char *key, int64_t *out)
{
    const json_t *v = json_object_get(p, key);
    if (!v || json_is_null(v))
        return api_param_error(r, key, MSG_REQUIRED, NULL);
    if (!jx_to_int(v, out) || *out <= 0)
        return api_param_error(r, key, MSG_BAD_PARAM, NULL);
    return ERR_OK;
}

enum err
api_load_app(struct req *r, json_t *p, const char *key, unsigned perm, struct app_def *d)
{
    int64_t app_id;
    enum err e = api_id(r, p, key, &app_id);
    if (e != ERR_OK)
        return e;
    if (r->ctx.preview) { /* rights come from the live settings */
        e = acl_app(&r->ctx, app_id, perm);
        return e != ERR_OK ? e : app_load(&r->ctx, app_id, true, d);
    }
    if (r->ctx.who.kind == PRIN_TOKEN) { /* "not this token's app" before "no such app" */
        e = acl_app(&r->ctx, app_id, perm);
        return e != ERR_OK ? e : app_load(&r->ctx, app_id, false, d);
    }
    e = app_load(&r->ctx, app_id, false, d);
    return e != ERR_OK ? e : acl_app_def(&r->ctx, d, perm);
}

enum err
api_fields(struct req *r, json_t *p, const json_t **out)
{
    const json_t *f = json_object_get(p, "fields");
    *out = NULL;
    if (!f || json_is_null(f))
        return ERR_OK;
    if (json_is_string(f)) { /* a single repeated-key value */
        json_t *arr = json_pack("[O]", f);
        json_object_set_new(p, "fields", arr);
        *out = arr;
        return ERR_OK;
    }
    if (!json_is_array(f) || json_array_size(f) > 1000)
        return api_param_error(r, "fields", MSG_BAD_PARAM, NULL);
    size_t i;
    json_t *v;
    json_array_foreach(f, i, v)
    {
        if (!json_is_string(v))
            return api_param_error(r, arena_printf(r->arena, "fields[%zu]", i), MSG_BAD_TYPE,
                                   NULL);
    }
    *out = f;
    return ERR_OK;
}

const char *
api_i64(struct req *r, int64_t v)
{
    return arena_printf(r->arena, "%lld", (long long)v);
}
