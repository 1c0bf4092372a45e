/* The mail outbox for administrators: admin/api/mail.json lists messages and their delivery
 * state (never bodies), admin/api/mail/retry.json puts failed messages back in the queue. */
#include "api/api.h"

#include "api/common.h"
#include "api/params.h"
#include "core/arena.h"
#include "domain/acl.h"
#include "domain/event.h"
#include "domain/outbox.h"
#include "domain/outbox_queue.h"

#include <stdlib.h>

#define MAIL_RETRY_MAX 100

static enum err
read_count(struct req *r, json_t *p, const char *key, int64_t def, int64_t *out)
{
    *out = def;
    if (!json_object_get(p, key))
        return ERR_OK;
    if (!params_int(p, key, out))
        return api_param_error(r, key, MSG_BAD_PARAM, NULL);
    return ERR_OK;
}

enum err
api_admin_mail_get(struct req *r, json_t *p)
{
    int64_t limit, offset;
    enum err e = acl_admin(&r->ctx);
    if (e == ERR_OK)
        e = read_count(r, p, "limit", 100, &limit);
    if (e == ERR_OK)
        e = read_count(r, p, "offset", 0, &offset);
    if (e != ERR_OK)
        return e;
    json_t *out = NULL;
    e = outbox_list(&r->ctx, params_str(p, "state"), params_str(p, "ref"), limit, offset, &out);
    return e == ERR_OK ? api_json(r, out) : e;
}

enum err
api_admin_mail_retry(struct req *r, json_t *p)
{
    enum err e = acl_admin(&r->ctx);
    if (e != ERR_OK)
        return e;
    json_t *ids = json_object_get(p, "ids");
    if (!json_is_array(ids) || !json_array_size(ids))
        return api_param_error(r, "ids", MSG_REQUIRED, NULL);
    if (json_array_size(ids) > MAIL_RETRY_MAX)
        return api_param_error(r, "ids", MSG_MAX_ITEMS, api_i64(r, MAIL_RETRY_MAX));
    size_t n = json_array_size(ids), i;
    int64_t *v = arena_alloc(r->arena, sizeof(*v) * n);
    json_t *x;
    json_array_foreach(ids, i, x)
    {
        if (!jx_to_int(x, &v[i]) || v[i] <= 0)
            return api_param_error(r, arena_printf(r->arena, "ids[%zu]", i), MSG_BAD_PARAM, NULL);
    }
    int64_t queued = 0;
    e = outbox_retry(&r->ctx, v, n, &queued);
    if (e != ERR_OK)
        return e;
    char *detail = json_dumps(p, JSON_COMPACT);
    event_log(&r->ctx, "admin.mail.retry", NULL, "mail", detail);
    free(detail);
    return api_json(r, json_pack("{s:s}", "queued", api_i64(r, queued)));
}
