/* The audit log for auditors: GET /audit/api/entries.json (filtered, paged by seq) and
 * GET /audit/api/verify.json (the whole chain checked now). Only members of the [audit]
 * reader_group (監査担当) may read; everyone else gets 403. The dispatcher logs every call
 * (audit.read / audit.verify), refusals included. */
#include "api.h"

#include "api/params.h"
#include "domain/audit.h"

#include <string.h>

static enum err
need_reader(struct req *r)
{
    bool yes;
    enum err e = audit_is_reader(&r->ctx, &yes);
    if (e != ERR_OK)
        return e;
    return yes ? ERR_OK : fail_set(&r->fail, ERR_FORBIDDEN, NULL);
}

static bool
get_time(struct req *r, json_t *p, const char *key, bool end, int64_t *out)
{
    const char *s = params_str(p, key);
    json_t *v = json_object_get(p, key);
    *out = 0;
    if (!v || (s && !*s))
        return true;
    int64_t n;
    if (!s && jx_to_int(v, &n) && n >= 0) {
        *out = n;
        return true;
    }
    if (s && audit_parse_time(s, end, r->ctx.tz_offset, out))
        return true;
    fail_field(&r->fail, key, MSG_BAD_DATETIME, NULL);
    return false;
}

static bool
get_text(struct req *r, json_t *p, const char *key, const char **out)
{
    json_t *v = json_object_get(p, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return true;
    if (json_is_string(v) && json_string_length(v) <= 256) {
        *out = json_string_value(v);
        return true;
    }
    fail_field(&r->fail, key, MSG_BAD_PARAM, NULL);
    return false;
}

static bool
get_count(struct req *r, json_t *p, const char *key, int64_t min, int64_t max, int64_t *out)
{
    json_t *v = json_object_get(p, key);
    if (!v || json_is_null(v))
        return true;
    int64_t n;
    if (!jx_to_int(v, &n)) {
        fail_field(&r->fail, key, MSG_BAD_PARAM, NULL);
        return false;
    }
    if (n < min || n > max) {
        char bound[24];
        snprintf(bound, sizeof(bound), "%lld", (long long)(n < min ? min : max));
        fail_field(&r->fail, key, n < min ? MSG_TOO_SMALL : MSG_TOO_BIG, bound);
        return false;
    }
    *out = n;
    return true;
}

static bool
collect(void *arg, const struct audit_row *row)
{
    json_array_append_new(arg, audit_row_json(row));
    return true;
}

enum err
api_audit_entries_get(struct req *r, json_t *p)
{
    enum err e = need_reader(r);
    if (e != ERR_OK)
        return e;
    struct audit_filter f;
    memset(&f, 0, sizeof(f));
    f.limit = 100;
    bool ok = get_time(r, p, "from", false, &f.from);
    ok &= get_time(r, p, "to", true, &f.to);
    ok &= get_text(r, p, "actor", &f.actor);
    ok &= get_text(r, p, "action", &f.action);
    ok &= get_text(r, p, "target", &f.target);
    ok &= get_text(r, p, "outcome", &f.outcome);
    ok &= get_count(r, p, "after", 0, INT64_MAX, &f.after);
    ok &= get_count(r, p, "limit", 1, AUDIT_LIST_MAX, &f.limit);
    if (!ok)
        return ERR_INVALID;
    /* what the auditor looked for is part of their own entry */
    audit_note(&r->ctx, "filter", json_deep_copy(p));
    json_t *list = json_array();
    e = audit_each(&r->ctx, &f, collect, list);
    if (e != ERR_OK) {
        json_decref(list);
        return e;
    }
    json_t *out = json_pack("{s:o}", "entries", list);
    size_t n = json_array_size(list);
    if ((int64_t)n == f.limit) {
        json_t *last = json_object_get(json_array_get(list, n - 1), "seq");
        json_object_set_new(out, "next", json_integer(json_integer_value(last)));
    }
    return api_json(r, out);
}

enum err
api_audit_verify_get(struct req *r, json_t *p)
{
    (void)p;
    enum err e = need_reader(r);
    if (e != ERR_OK)
        return e;
    /* queued reads up to now belong to what is checked */
    if (audit_flush(r->db) != ERR_OK)
        return fail_set(&r->fail, ERR_INTERNAL, NULL);
    struct audit_verify v;
    if ((e = audit_verify(r->db, NULL, &v)) != ERR_OK)
        return fail_set(&r->fail, e, NULL);
    json_t *bad = v.bad_seq ? json_pack("{s:I, s:s}", "seq", (json_int_t)v.bad_seq, "problem",
                                        v.problem)
                            : json_null();
    audit_note(&r->ctx, "ok", json_boolean(v.bad_seq == 0));
    return api_json(r, json_pack("{s:b, s:I, s:I, s:I, s:o}", "ok", v.bad_seq == 0, "entries",
                                 (json_int_t)v.entries, "checkpoints", (json_int_t)v.checkpoints,
                                 "lastSeq", (json_int_t)v.last_seq, "firstBad", bad));
}
