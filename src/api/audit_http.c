/* The per-request audit entry; see audit_http.h. */
#include "api/audit_http.h"

#include "api/params.h"
#include "core/arena.h"
#include "core/strbuf.h"
#include "domain/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_IDS 50 /* a target names at most this many record ids ("…+N more" after) */

static const char *
outcome_of(enum err e)
{
    switch (e) {
    case ERR_OK:
        return "ok";
    case ERR_FORBIDDEN:
    case ERR_TOKEN_APP:
    case ERR_CSRF:
    case ERR_IP_DENIED:
    case ERR_MFA_REQUIRED:
    case ERR_PASSWORD_CHANGE:
    case ERR_NOT_FOUND:
    case ERR_RECORD_NOT_FOUND:
    case ERR_APP_NOT_FOUND:
    case ERR_FILE_NOT_FOUND:
        /* not-found answers are also how permissions hide what exists */
        return "denied";
    default:
        return "error";
    }
}

static void
add_id(struct strbuf *sb, int *n, const json_t *v)
{
    int64_t id;
    if (!jx_to_int(v, &id))
        return;
    if (*n < MAX_IDS)
        strbuf_addf(sb, "%s%lld", *n ? "," : "", (long long)id);
    (*n)++;
}

/* Record ids of a request: id / record, ids[], records[].id, and a result's id / ids. */
static void
collect_ids(struct strbuf *sb, int *n, const json_t *params, const json_t *result)
{
    const json_t *one = json_object_get(params, "id");
    if (!one || json_is_object(one))
        one = json_object_get(params, "record"); /* comments name the record "record" */
    if (one && !json_is_object(one))
        add_id(sb, n, one);
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(params, "ids"), i, v)
        add_id(sb, n, v);
    json_array_foreach(json_object_get(params, "records"), i, v)
        if (json_is_object(v))
            add_id(sb, n, json_object_get(v, "id"));
    if (*n == 0 && json_is_object(result)) {
        add_id(sb, n, json_object_get(result, "id"));
        json_array_foreach(json_object_get(result, "ids"), i, v)
            add_id(sb, n, v);
    }
}

const char *
api_audit_target(struct req *r, const json_t *params, const json_t *result)
{
    struct strbuf sb;
    strbuf_init(&sb, r->arena, 4096);
    int64_t app;
    if (params_int(params, "app", &app)) {
        strbuf_addf(&sb, "app:%lld", (long long)app);
        struct strbuf ids;
        strbuf_init(&ids, r->arena, 2048);
        int n = 0;
        collect_ids(&ids, &n, params, result);
        if (n == 1)
            strbuf_addf(&sb, "/record:%.*s", (int)ids.len, ids.buf);
        else if (n > 1)
            strbuf_addf(&sb, "/records:%.*s%s", (int)ids.len, ids.buf,
                        n > MAX_IDS ? arena_printf(r->arena, ",…+%d", n - MAX_IDS) : "");
    } else {
        const char *key = params_str(params, "fileKey");
        if (key)
            strbuf_addf(&sb, "file:%s", key);
    }
    return strbuf_ok(&sb) && sb.buf ? arena_strndup(r->arena, sb.buf, sb.len) : "";
}

static const char *
detail_of(struct req *r, const struct route *rt, const json_t *params, enum err e)
{
    json_t *d = json_deep_copy(audit_notes(&r->ctx));
    json_object_set_new(d, "method", json_string(rt->method));
    json_object_set_new(d, "path", json_string(r->path));
    const char *query = params_str(params, "query");
    if (query)
        json_object_set_new(d, "query", json_stringn(query, strlen(query) > 1000 ? 1000 : strlen(query)));
    if (e != ERR_OK) {
        json_object_set_new(d, "code", json_string(err_code(e)));
        json_object_set_new(d, "status", json_integer(err_status(e)));
    }
    char *s = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    const char *out = arena_strdup(r->arena, s ? s : "{}");
    free(s);
    return out;
}

bool
api_audit_entry(struct req *r, const struct route *rt, const json_t *params, enum err e,
                struct audit_entry *out)
{
    if (!rt->audit || !audit_enabled())
        return false;
    *out = (struct audit_entry){
        .at = audit_now_ms(&r->ctx),
        .actor = audit_actor(&r->ctx),
        .ip = r->ctx.ip,
        .action = r->ctx.audit_action ? r->ctx.audit_action : rt->audit,
        .target = r->ctx.audit_target ? r->ctx.audit_target
                                      : api_audit_target(r, params, e == ERR_OK ? r->result : NULL),
        .outcome = outcome_of(e),
        .detail = detail_of(r, rt, params, e),
    };
    return true;
}

enum err
api_audit_request(struct req *r, const struct route *rt, const json_t *params, enum err e,
                  enum api_audit_mode mode)
{
    struct audit_entry entry;
    if (!api_audit_entry(r, rt, params, e, &entry))
        return e;
    switch (mode) {
    case API_AUDIT_QUEUE:
        audit_enqueue(r->ctx.db, &entry);
        return e;
    case API_AUDIT_OWN_TX:
        audit_append_own(&r->ctx, &entry);
        return e;
    case API_AUDIT_IN_TX:
    default: {
        enum err ae = audit_append(&r->ctx, &entry, 1);
        return ae != ERR_OK ? ae : e;
    }
    }
}

void
api_audit_bulk_note(struct req *r, const char *method, const char *api_path,
                    const json_t *payload, const json_t *result, enum err e)
{
    if (!audit_enabled())
        return;
    json_t *notes = audit_notes(&r->ctx);
    json_t *reqs = json_object_get(notes, "requests");
    if (!json_is_array(reqs)) {
        reqs = json_array();
        json_object_set_new(notes, "requests", reqs);
    }
    json_t *one = json_pack("{s:s, s:s, s:s}", "method", method ? method : "", "api",
                            api_path ? api_path : "", "target",
                            api_audit_target(r, payload, e == ERR_OK ? result : NULL));
    if (one && e != ERR_OK)
        json_object_set_new(one, "code", json_string(err_code(e)));
    json_array_append_new(reqs, one);
}
