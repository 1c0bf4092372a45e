/* /k/v1/record/history.json, record/asof.json and record/revert.json: a record's revisions
 * with diffs (and comments), the record as it was, and going back to an earlier revision. */
#include "api/api.h"

#include "api/common.h"
#include "api/params.h"
#include "core/clock.h"
#include "domain/record.h"
#include "domain/record_history.h"

#include <string.h>

#define REASON_MAX 65535

enum err
api_history_get(struct req *r, json_t *p)
{
    struct app_def d;
    struct his_query q = { .limit = HIS_LIMIT_MAX };
    enum err e = api_load_app(r, p, "app", ACL_VIEW, &d);
    if (e == ERR_OK)
        e = api_id(r, p, "id", &q.id);
    if (e != ERR_OK)
        return e;
    const char *order = params_str(p, "order");
    if (order && strcmp(order, "asc") && strcmp(order, "desc"))
        return api_param_error(r, "order", MSG_BAD_PARAM, NULL);
    q.asc = order && !strcmp(order, "asc");
    if (json_object_get(p, "offset") && (!params_int(p, "offset", &q.offset) || q.offset < 0))
        return api_param_error(r, "offset", MSG_BAD_PARAM, NULL);
    if (json_object_get(p, "limit") &&
        (!params_int(p, "limit", &q.limit) || q.limit < 1 || q.limit > HIS_LIMIT_MAX))
        return api_param_error(r, "limit", MSG_TOO_BIG, "100");
    q.with_comments = params_bool(p, "comments");
    json_t *out;
    e = his_list(&r->ctx, &d, &q, &out);
    if (e != ERR_OK)
        return e;
    return api_json(r, out);
}

enum err
api_record_asof_get(struct req *r, json_t *p)
{
    struct app_def d;
    int64_t id, revision = 0, at = 0;
    enum err e = api_load_app(r, p, "app", ACL_VIEW, &d);
    if (e == ERR_OK)
        e = api_id(r, p, "id", &id);
    if (e != ERR_OK)
        return e;
    const json_t *rv = json_object_get(p, "revision");
    const char *ats = params_str(p, "at");
    bool has_rev = rv && !json_is_null(rv), has_at = ats && *ats;
    if (has_rev == has_at) /* exactly one of them */
        return api_param_error(r, has_rev ? "at" : "revision",
                               has_rev ? MSG_BAD_PARAM : MSG_REQUIRED, NULL);
    if (has_rev && (!jx_to_int(rv, &revision) || revision < 1))
        return api_param_error(r, "revision", MSG_BAD_PARAM, NULL);
    if (has_at && !clock_parse_datetime(ats, &at))
        return api_param_error(r, "at", MSG_BAD_DATETIME, NULL);
    json_t *out;
    e = his_asof(&r->ctx, &d, id, revision, at, &out);
    if (e != ERR_OK)
        return e;
    return api_json(r, out);
}

enum err
api_record_revert_post(struct req *r, json_t *p)
{
    struct app_def d;
    int64_t id, to, expected, rev;
    enum err e = api_load_app(r, p, "app", ACL_EDIT, &d);
    if (e == ERR_OK)
        e = api_id(r, p, "id", &id);
    if (e == ERR_OK)
        e = api_id(r, p, "revision", &to);
    if (e != ERR_OK)
        return e;
    if (!rec_parse_revision(json_object_get(p, "expectedRevision"), &expected))
        return api_param_error(r, "expectedRevision", MSG_BAD_PARAM, NULL);
    const json_t *rs = json_object_get(p, "reason");
    if (rs && !json_is_null(rs) && !json_is_string(rs))
        return api_param_error(r, "reason", MSG_BAD_TYPE, NULL);
    const char *reason = json_string_value(rs);
    if (reason && strlen(reason) > REASON_MAX)
        return api_param_error(r, "reason", MSG_TOO_LONG, "65535");
    e = his_revert(&r->ctx, &d, id, to, expected, reason, &rev);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:s}", "revision", api_i64(r, rev)));
}
