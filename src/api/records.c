/* /k/v1/record.json, records.json, records/cursor.json and bulkRequest.json. */
#include "api/api.h"

#include "api/common.h"
#include "api/params.h"
#include "core/arena.h"
#include "core/strbuf.h"
#include "domain/record.h"

#include <stdlib.h>
#include <string.h>

#define MAX_WRITE 100
#define MAX_BULK 20

/* Record reads build their body as text: stored renderings are streamed, not re-parsed. */
static enum err
send_text(struct req *r, struct strbuf *sb)
{
    if (!strbuf_ok(sb)) {
        strbuf_release(sb);
        return fail_set(&r->fail, ERR_TOO_LARGE, NULL);
    }
    size_t len = sb->len;
    char *body = sb->cap ? sb->buf : strdup("");
    req_set_body(r, 200, "application/json; charset=utf-8", body, len);
    return ERR_OK;
}

enum err
api_record_get(struct req *r, json_t *p)
{
    struct app_def d;
    int64_t id;
    const json_t *fields;
    enum err e = api_load_app(r, p, "app", ACL_VIEW, &d);
    if (e == ERR_OK)
        e = api_id(r, p, "id", &id);
    if (e == ERR_OK)
        e = api_fields(r, p, &fields);
    if (e != ERR_OK)
        return e;
    struct strbuf sb;
    strbuf_init(&sb, NULL, 0);
    strbuf_adds(&sb, "{\"record\":");
    e = rec_get(&r->ctx, &d, id, fields, &sb);
    if (e != ERR_OK) {
        strbuf_release(&sb);
        return e;
    }
    strbuf_addc(&sb, '}');
    return send_text(r, &sb);
}

enum err
api_records_get(struct req *r, json_t *p)
{
    struct app_def d;
    const json_t *fields;
    int64_t total;
    enum err e = api_load_app(r, p, "app", ACL_VIEW, &d);
    if (e == ERR_OK)
        e = api_fields(r, p, &fields);
    const json_t *q = json_object_get(p, "query");
    if (e == ERR_OK && q && !json_is_string(q) && !json_is_null(q))
        e = api_param_error(r, "query", MSG_BAD_TYPE, NULL);
    if (e != ERR_OK)
        return e;
    struct strbuf sb;
    strbuf_init(&sb, NULL, 0);
    strbuf_adds(&sb, "{\"records\":[");
    e = rec_query(&r->ctx, &d, json_string_value(q), fields, params_bool(p, "totalCount"), &sb,
                  &total);
    if (e != ERR_OK) {
        strbuf_release(&sb);
        return e;
    }
    if (total >= 0)
        strbuf_addf(&sb, "],\"totalCount\":\"%lld\"}", (long long)total);
    else
        strbuf_adds(&sb, "],\"totalCount\":null}");
    return send_text(r, &sb);
}

enum err
api_record_post(struct req *r, json_t *p)
{
    struct app_def d;
    int64_t id, rev;
    enum err e = api_load_app(r, p, "app", ACL_ADD, &d);
    if (e != ERR_OK)
        return e;
    json_t *rec = json_object_get(p, "record");
    if (!rec) { /* an omitted record is an empty one (defaults apply) */
        json_object_set_new(p, "record", json_object());
        rec = json_object_get(p, "record");
    }
    e = rec_create(&r->ctx, &d, rec, "record", 0, &id, &rev);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:s, s:s}", "id", api_i64(r, id), "revision", api_i64(r, rev)));
}

/* Reads {id | updateKey, revision} of one update target. */
static enum err
read_target(struct req *r, json_t *item, const char *prefix, struct rec_target *t)
{
    memset(t, 0, sizeof(*t));
    const json_t *key = json_object_get(item, "updateKey");
    const json_t *idv = json_object_get(item, "id");
    if (!rec_parse_revision(json_object_get(item, "revision"), &t->expected_revision))
        return api_param_error(r, arena_printf(r->arena, "%srevision", prefix), MSG_BAD_PARAM,
                               NULL);
    if (idv && !json_is_null(idv)) {
        if (!jx_to_int(idv, &t->id) || t->id <= 0)
            return api_param_error(r, arena_printf(r->arena, "%sid", prefix), MSG_BAD_PARAM, NULL);
        return ERR_OK;
    }
    if (json_is_object(key)) {
        t->update_key = key;
        return ERR_OK;
    }
    return api_param_error(r, arena_printf(r->arena, "%sid", prefix), MSG_REQUIRED, NULL);
}

enum err
api_record_put(struct req *r, json_t *p)
{
    struct app_def d;
    struct rec_target t;
    int64_t id, rev;
    bool inserted;
    enum err e = api_load_app(r, p, "app", ACL_EDIT, &d);
    if (e == ERR_OK)
        e = read_target(r, p, "", &t);
    if (e == ERR_OK)
        e = rec_update(&r->ctx, &d, &t, json_object_get(p, "record"), "record", false, &id, &rev,
                       &inserted);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:s}", "revision", api_i64(r, rev)));
}

static enum err
check_batch(struct req *r, const json_t *arr, const char *key, size_t max)
{
    if (!arr)
        return api_param_error(r, key, MSG_REQUIRED, NULL);
    if (!json_is_array(arr))
        return api_param_error(r, key, MSG_BAD_TYPE, NULL);
    if (json_array_size(arr) == 0)
        return api_param_error(r, key, MSG_REQUIRED, NULL);
    if (json_array_size(arr) > max)
        return api_param_error(r, key, MSG_MAX_ITEMS, api_i64(r, (int64_t)max));
    return ERR_OK;
}

enum err
api_records_post(struct req *r, json_t *p)
{
    struct app_def d;
    enum err e = api_load_app(r, p, "app", ACL_ADD, &d);
    json_t *recs = json_object_get(p, "records");
    if (e == ERR_OK)
        e = check_batch(r, recs, "records", MAX_WRITE);
    if (e != ERR_OK)
        return e;
    int64_t first;
    e = app_next_record_ids(&r->ctx, d.id, (int64_t)json_array_size(recs), &first);
    if (e != ERR_OK)
        return e;
    json_t *ids = json_array(), *revs = json_array();
    size_t i;
    json_t *rec;
    enum err worst = ERR_OK;
    json_array_foreach(recs, i, rec)
    {
        int64_t id, rev;
        /* validate every record so all errors come back at once, as kintone does */
        e = rec_create(&r->ctx, &d, rec, arena_printf(r->arena, "records[%zu]", i),
                       first + (int64_t)i, &id, &rev);
        if (e != ERR_OK) {
            if (e != ERR_INVALID || worst == ERR_OK)
                worst = e;
            if (e != ERR_INVALID)
                break;
            continue;
        }
        json_array_append_new(ids, json_string(api_i64(r, id)));
        json_array_append_new(revs, json_string(api_i64(r, rev)));
    }
    if (worst != ERR_OK) {
        json_decref(ids);
        json_decref(revs);
        return worst;
    }
    return api_json(r, json_pack("{s:o, s:o}", "ids", ids, "revisions", revs));
}

enum err
api_records_put(struct req *r, json_t *p)
{
    struct app_def d;
    enum err e = api_load_app(r, p, "app", ACL_EDIT, &d);
    json_t *recs = json_object_get(p, "records");
    bool upsert = params_bool(p, "upsert");
    if (e == ERR_OK && upsert)
        e = api_load_app(r, p, "app", ACL_ADD | ACL_EDIT, &d);
    if (e == ERR_OK)
        e = check_batch(r, recs, "records", MAX_WRITE);
    if (e != ERR_OK)
        return e;
    json_t *out = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(recs, i, item)
    {
        struct rec_target t;
        int64_t id, rev;
        bool inserted;
        const char *prefix = arena_printf(r->arena, "records[%zu]", i);
        if (!json_is_object(item)) {
            e = api_param_error(r, prefix, MSG_BAD_TYPE, NULL);
            break;
        }
        e = read_target(r, item, arena_printf(r->arena, "%s.", prefix), &t);
        if (e == ERR_OK)
            e = rec_update(&r->ctx, &d, &t, json_object_get(item, "record"),
                           arena_printf(r->arena, "%s.record", prefix), upsert, &id, &rev,
                           &inserted);
        if (e != ERR_OK)
            break;
        json_t *o = json_pack("{s:s, s:s}", "id", api_i64(r, id), "revision", api_i64(r, rev));
        if (upsert)
            json_object_set_new(o, "operation", json_string(inserted ? "INSERT" : "UPDATE"));
        json_array_append_new(out, o);
    }
    if (e != ERR_OK) {
        json_decref(out);
        return e;
    }
    return api_json(r, json_pack("{s:o}", "records", out));
}

enum err
api_records_delete(struct req *r, json_t *p)
{
    struct app_def d;
    enum err e = api_load_app(r, p, "app", ACL_DELETE, &d);
    json_t *ids = json_object_get(p, "ids");
    json_t *revs = json_object_get(p, "revisions");
    if (e == ERR_OK && json_is_string(ids)) { /* ids=5 (single repeated key) */
        json_object_set_new(p, "ids", json_pack("[O]", ids));
        ids = json_object_get(p, "ids");
    }
    if (e == ERR_OK && json_is_string(revs)) {
        json_object_set_new(p, "revisions", json_pack("[O]", revs));
        revs = json_object_get(p, "revisions");
    }
    if (e == ERR_OK)
        e = check_batch(r, ids, "ids", MAX_WRITE);
    if (e == ERR_OK && revs && !json_is_null(revs) &&
        (!json_is_array(revs) || json_array_size(revs) > json_array_size(ids)))
        e = api_param_error(r, "revisions", MSG_BAD_PARAM, NULL);
    if (e != ERR_OK)
        return e;
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v)
    {
        int64_t id, rev = -1;
        if (!jx_to_int(v, &id) || id <= 0)
            return api_param_error(r, arena_printf(r->arena, "ids[%zu]", i), MSG_BAD_PARAM, NULL);
        if (revs && json_is_array(revs) &&
            !rec_parse_revision(json_array_get(revs, i), &rev))
            return api_param_error(r, arena_printf(r->arena, "revisions[%zu]", i), MSG_BAD_PARAM,
                                   NULL);
        e = rec_delete(&r->ctx, &d, id, rev, arena_printf(r->arena, "ids[%zu]", i));
        if (e != ERR_OK)
            return e;
    }
    return api_json(r, json_object());
}

enum err
api_cursor_post(struct req *r, json_t *p)
{
    struct app_def d;
    const json_t *fields;
    int64_t size = 100, total;
    const char *id;
    enum err e = api_load_app(r, p, "app", ACL_VIEW, &d);
    if (e == ERR_OK)
        e = api_fields(r, p, &fields);
    const json_t *sz = json_object_get(p, "size");
    if (e == ERR_OK && sz && !json_is_null(sz) && (!jx_to_int(sz, &size) || size < 1 || size > 500))
        e = api_param_error(r, "size", MSG_TOO_BIG, "500");
    const json_t *q = json_object_get(p, "query");
    if (e == ERR_OK && q && !json_is_string(q) && !json_is_null(q))
        e = api_param_error(r, "query", MSG_BAD_TYPE, NULL);
    if (e == ERR_OK)
        e = rec_cursor_create(&r->ctx, &d, json_string_value(q), fields, size, &id, &total);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:s, s:s}", "id", id, "totalCount", api_i64(r, total)));
}

enum err
api_cursor_get(struct req *r, json_t *p)
{
    const char *id = params_str(p, "id");
    bool next;
    if (!id || !*id)
        return api_param_error(r, "id", MSG_REQUIRED, NULL);
    struct strbuf sb;
    strbuf_init(&sb, NULL, 0);
    strbuf_adds(&sb, "{\"records\":[");
    enum err e = rec_cursor_next(&r->ctx, id, &sb, &next);
    if (e != ERR_OK) {
        strbuf_release(&sb);
        return e;
    }
    strbuf_adds(&sb, next ? "],\"next\":true}" : "],\"next\":false}");
    return send_text(r, &sb);
}

enum err
api_cursor_delete(struct req *r, json_t *p)
{
    const char *id = params_str(p, "id");
    if (!id || !*id)
        return api_param_error(r, "id", MSG_REQUIRED, NULL);
    enum err e = rec_cursor_delete(&r->ctx, id);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_object());
}

/* bulkRequest: up to 20 record writes, in order, all or nothing. The failing request's error
 * is returned at its index in "results", the others as {}. */
enum err
api_bulk_request(struct req *r, json_t *p)
{
    json_t *reqs = json_object_get(p, "requests");
    enum err e = check_batch(r, reqs, "requests", MAX_BULK);
    if (e != ERR_OK)
        return e;
    json_t *results = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(reqs, i, item)
    {
        json_t *res = NULL;
        e = api_call_bulk(r, json_string_value(json_object_get(item, "method")),
                          json_string_value(json_object_get(item, "api")),
                          json_object_get(item, "payload"), &res);
        if (e != ERR_OK) {
            json_decref(results);
            if (e == ERR_INTERNAL || e == ERR_UNAVAILABLE)
                return e;
            /* render the error object in place; every other request answers {} */
            json_t *err = json_pack("{s:s, s:s, s:s}", "code", err_code(r->fail.code), "id", r->id,
                                    "message", r->fail.message ? r->fail.message : "");
            if (r->fail.errors && json_object_size(r->fail.errors))
                json_object_set(err, "errors", r->fail.errors);
            json_t *arr = json_array();
            for (size_t k = 0; k < json_array_size(reqs); k++)
                json_array_append_new(arr, k == i ? json_incref(err) : json_object());
            json_decref(err);
            api_json(r, json_pack("{s:o}", "results", arr));
            r->result_is_error = true; /* the dispatcher rolls back and sends this body */
            return r->fail.code;
        }
        json_array_append_new(results, res);
    }
    return api_json(r, json_pack("{s:o}", "results", results));
}
