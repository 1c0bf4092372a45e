/* Process management over HTTP: the settings (app/status.json), status actions on one or many
 * records, assignees, the actions open to the caller, opinions and the inbox. kintone's shapes
 * where kintone has the endpoint; the rest follows the same conventions. */
#include "api.h"

#include "api/common.h"
#include "api/params.h"
#include "core/arena.h"
#include "domain/acl.h"
#include "domain/record.h"
#include "domain/wf.h"

#include <string.h>

#define MAX_STATUS_BATCH 100

enum err
api_status_get(struct req *r, json_t *p)
{
    struct app_def d;
    enum err e = api_load_app(r, p, "app", r->ctx.preview ? ACL_MANAGE : ACL_VIEW, &d);
    if (e != ERR_OK)
        return e;
    return api_json(r, wf_get(&r->ctx, &d));
}

enum err
api_status_put(struct req *r, json_t *p)
{
    struct app_def d;
    int64_t rev;
    enum err e = api_load_app(r, p, "app", ACL_MANAGE, &d);
    if (e != ERR_OK)
        return e;
    app_def_copy(&r->ctx, &d);
    e = wf_put(&r->ctx, &d, p);
    if (e == ERR_OK)
        e = app_save_preview(&r->ctx, &d, json_object_get(p, "revision"), &rev);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:s}", "revision", api_i64(r, rev)));
}

/* One {id, action, assignee?, revision?, reason?} item; prefix names its errors. */
static enum err
read_request(struct req *r, json_t *item, const char *prefix, struct wf_request *rq)
{
    const char *k = *prefix ? arena_printf(r->arena, "%s.", prefix) : "";
    memset(rq, 0, sizeof(*rq));
    if (!json_is_object(item))
        return api_param_error(r, prefix, MSG_BAD_TYPE, NULL);
    if (!params_int(item, "id", &rq->id) || rq->id <= 0)
        return api_param_error(r, arena_printf(r->arena, "%sid", k), MSG_REQUIRED, NULL);
    rq->action = params_str(item, "action");
    if (!rq->action || !*rq->action)
        return api_param_error(r, arena_printf(r->arena, "%saction", k), MSG_REQUIRED, NULL);
    const json_t *as = json_object_get(item, "assignee");
    if (as && !json_is_null(as) && !json_is_string(as))
        return api_param_error(r, arena_printf(r->arena, "%sassignee", k), MSG_BAD_TYPE, NULL);
    rq->assignee = json_string_value(as);
    const json_t *reason = json_object_get(item, "reason");
    if (reason && !json_is_null(reason) && !json_is_string(reason))
        return api_param_error(r, arena_printf(r->arena, "%sreason", k), MSG_BAD_TYPE, NULL);
    rq->reason = json_string_value(reason);
    if (rq->reason && strlen(rq->reason) > 65535)
        return api_param_error(r, arena_printf(r->arena, "%sreason", k), MSG_TOO_LONG, "65535");
    if (!rec_parse_revision(json_object_get(item, "revision"), &rq->expected_revision))
        return api_param_error(r, arena_printf(r->arena, "%srevision", k), MSG_BAD_PARAM, NULL);
    return ERR_OK;
}

enum err
api_record_status_put(struct req *r, json_t *p)
{
    struct app_def d;
    struct wf_request rq;
    int64_t rev;
    enum err e = api_load_app(r, p, "app", ACL_VIEW, &d);
    if (e == ERR_OK)
        e = read_request(r, p, "", &rq);
    if (e == ERR_OK)
        e = wf_run(&r->ctx, &d, &rq, "", &rev);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:s}", "revision", api_i64(r, rev)));
}

enum err
api_records_status_put(struct req *r, json_t *p)
{
    struct app_def d;
    enum err e = api_load_app(r, p, "app", ACL_VIEW, &d);
    if (e != ERR_OK)
        return e;
    json_t *recs = json_object_get(p, "records");
    if (!json_is_array(recs) || !json_array_size(recs))
        return api_param_error(r, "records", MSG_REQUIRED, NULL);
    if (json_array_size(recs) > MAX_STATUS_BATCH)
        return api_param_error(r, "records", MSG_MAX_ITEMS, "100");
    json_t *out = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(recs, i, item)
    {
        struct wf_request rq;
        int64_t rev;
        const char *prefix = arena_printf(r->arena, "records[%zu]", i);
        e = read_request(r, item, prefix, &rq);
        if (e == ERR_OK)
            e = wf_run(&r->ctx, &d, &rq, prefix, &rev);
        if (e != ERR_OK) {
            json_decref(out);
            return e; /* all or nothing: the dispatcher rolls the transaction back */
        }
        json_array_append_new(out, json_pack("{s:s,s:s}", "id", api_i64(r, rq.id), "revision",
                                             api_i64(r, rev)));
    }
    return api_json(r, json_pack("{s:o}", "records", out));
}

enum err
api_record_assignees_put(struct req *r, json_t *p)
{
    struct app_def d;
    int64_t id, expected, rev;
    enum err e = api_load_app(r, p, "app", ACL_VIEW, &d);
    if (e == ERR_OK)
        e = api_id(r, p, "id", &id);
    if (e != ERR_OK)
        return e;
    if (!rec_parse_revision(json_object_get(p, "revision"), &expected))
        return api_param_error(r, "revision", MSG_BAD_PARAM, NULL);
    const json_t *as = json_object_get(p, "assignees");
    if (!as)
        return api_param_error(r, "assignees", MSG_REQUIRED, NULL);
    e = wf_set_assignees(&r->ctx, &d, id, as, expected, &rev);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:s}", "revision", api_i64(r, rev)));
}

enum err
api_record_actions_get(struct req *r, json_t *p)
{
    struct app_def d;
    int64_t id;
    json_t *out;
    enum err e = api_load_app(r, p, "app", ACL_VIEW, &d);
    if (e == ERR_OK)
        e = api_id(r, p, "id", &id);
    if (e == ERR_OK)
        e = wf_actions_for(&r->ctx, &d, id, &out);
    if (e != ERR_OK)
        return e;
    return api_json(r, out);
}

enum err
api_opinions_get(struct req *r, json_t *p)
{
    struct app_def d;
    int64_t id;
    json_t *out;
    enum err e = api_load_app(r, p, "app", ACL_VIEW, &d);
    if (e == ERR_OK)
        e = api_id(r, p, "record", &id);
    if (e == ERR_OK)
        e = wf_opinion_list(&r->ctx, &d, id, &out);
    if (e != ERR_OK)
        return e;
    return api_json(r, out);
}

enum err
api_opinion_post(struct req *r, json_t *p)
{
    struct app_def d;
    int64_t id, oid;
    enum err e = api_load_app(r, p, "app", ACL_VIEW, &d);
    if (e == ERR_OK)
        e = api_id(r, p, "record", &id);
    if (e != ERR_OK)
        return e;
    const json_t *op = json_object_get(p, "opinion");
    if (!json_is_object(op))
        return api_param_error(r, "opinion", MSG_REQUIRED, NULL);
    const json_t *text = json_object_get(op, "text");
    if (text && !json_is_string(text))
        return api_param_error(r, "opinion.text", MSG_BAD_TYPE, NULL);
    e = wf_opinion_add(&r->ctx, &d, id, json_string_value(text), &oid);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:s}", "id", api_i64(r, oid)));
}

enum err
api_inbox_get(struct req *r, json_t *p)
{
    int64_t after = 0, limit = 50;
    if (json_object_get(p, "after") && (!params_int(p, "after", &after) || after < 0))
        return api_param_error(r, "after", MSG_BAD_PARAM, NULL);
    if (json_object_get(p, "limit") &&
        (!params_int(p, "limit", &limit) || limit < 1 || limit > 500))
        return api_param_error(r, "limit", MSG_BAD_PARAM, NULL);
    json_t *out;
    enum err e = wf_inbox_list(&r->ctx, params_bool(p, "unread"), after, limit, &out);
    if (e != ERR_OK)
        return e;
    return api_json(r, out);
}

enum err
api_inbox_read_post(struct req *r, json_t *p)
{
    bool all = params_bool(p, "all");
    const json_t *ids = json_object_get(p, "ids");
    if (!all && !ids)
        return api_param_error(r, "ids", MSG_REQUIRED, NULL);
    enum err e = wf_inbox_mark_read(&r->ctx, ids, all);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_object());
}
