/* Writing records: create, update (by id or unique key, optimistic locking, upsert) and soft
 * delete, each with its revision snapshot, unique-index rows and search-index rows. */
#include "record.h"

#include "core/arena.h"
#include "core/clock.h"
#include "db/db.h"
#include "domain/acl.h"
#include "domain/field.h"
#include "domain/file.h"
#include "domain/record_int.h"
#include "domain/ledger.h"
#include "domain/routing.h"
#include "domain/record_sql.h"
#include "domain/search.h"
#include "domain/value.h"
#include "domain/lclock.h"
#include "domain/wf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
decref(void *p)
{
    json_decref(p);
}

bool
rec_parse_revision(const json_t *v, int64_t *out)
{
    *out = -1;
    if (!v || json_is_null(v))
        return true;
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return *out >= -1;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (!*s)
            return true;
        char *end;
        long long x = strtoll(s, &end, 10);
        if (*end || x < -1)
            return false;
        *out = x;
        return true;
    }
    return false;
}

struct hook_arg {
    struct ctx *c;
    int64_t app_id, record_id;
    enum err err;
};

static enum err
hook_file(void *arg, const char *key, json_t **obj)
{
    struct hook_arg *h = arg;
    enum err e = file_attach(h->c, key, h->app_id, h->record_id, obj);
    /* an unknown or expired upload key is bad input: value_apply reports it on the field */
    return e == ERR_FILE_NOT_FOUND ? ERR_INVALID : e;
}

static bool
hook_entity(void *arg, const char *kind, const char *code)
{
    struct hook_arg *h = arg;
    if (strcmp(kind, "USER") != 0)
        return true; /* organisations and groups arrive with the directory */
    struct db_param p[] = { DBP_TEXT(code) };
    int64_t one;
    bool found = false;
    if (db_query_int(h->c->db, REC_SQL_USER_EXISTS, p, 1, &one, &found) != DB_OK)
        return false;
    return found;
}

static int64_t
hook_row_id(void *arg)
{
    struct hook_arg *h = arg;
    int64_t id = 0;
    if (app_next_row_id(h->c, h->app_id, &id) != ERR_OK)
        h->err = ERR_INTERNAL;
    return id;
}

static void
hooks_init(struct value_hooks *hooks, struct hook_arg *ha, struct ctx *c, int64_t app_id,
           int64_t record_id)
{
    *ha = (struct hook_arg){ .c = c, .app_id = app_id, .record_id = record_id, .err = ERR_OK };
    *hooks = (struct value_hooks){ .arg = ha,
                                   .resolve_file = hook_file,
                                   .entity_exists = hook_entity,
                                   .next_row_id = hook_row_id };
}

struct uniq {
    struct ctx *c;
    int64_t app_id, record_id;
    const char *prefix;
    int rc;
    bool dup;
};

static void
uniq_insert(void *arg, const char *code, const char *value)
{
    struct uniq *u = arg;
    if (u->rc != DB_OK && u->rc != DB_CONSTRAINT)
        return;
    struct db_param p[] = { DBP_INT(u->app_id), DBP_TEXT(code), DBP_TEXT(value),
                            DBP_INT(u->record_id) };
    int rc = db_exec(u->c->db, REC_SQL_UNIQUE_INSERT, p, 4, NULL);
    if (rc == DB_CONSTRAINT) {
        fail_field(u->c->fail, arena_printf(u->c->arena, "%s.%s.value", u->prefix, code),
                   MSG_DUPLICATE, NULL);
        u->dup = true;
    } else if (rc != DB_OK) {
        u->rc = rc;
    }
}

/* Replaces the record's rows in the unique index; duplicates become field errors. */
static enum err
write_unique(struct ctx *c, const struct app_def *d, int64_t id, const json_t *data,
             const char *prefix, bool had_rows)
{
    struct uniq u = { .c = c, .app_id = d->id, .record_id = id, .prefix = prefix, .rc = DB_OK };
    if (had_rows) {
        struct db_param p[] = { DBP_INT(d->id), DBP_INT(id) };
        int rc = db_exec(c->db, REC_SQL_UNIQUE_DELETE, p, 2, NULL);
        if (rc != DB_OK)
            return app_db_fail(c, rc);
    }
    value_unique_each(d->props, data, uniq_insert, &u);
    if (u.rc != DB_OK)
        return app_db_fail(c, u.rc);
    return u.dup ? ERR_INVALID : ERR_OK;
}

enum err
rec_write_unique(struct ctx *c, const struct app_def *d, int64_t id, const json_t *data,
                 const char *prefix)
{
    return write_unique(c, d, id, data, prefix, true);
}

enum err
rec_snapshot(struct ctx *c, int64_t app_id, int64_t id, int64_t revision, const char *action,
             const char *data_text, const char *reason, const char *detail_json)
{
    struct db_param p[] = { DBP_INT(app_id),       DBP_INT(id),
                            DBP_INT(revision),     DBP_TEXT(action),
                            DBP_TEXT(c->who.login), DBP_INT(c->now),
                            DBP_TEXT(data_text),   DBP_TEXT(reason ? reason : ""),
                            DBP_TEXT(detail_json ? detail_json : "{}") };
    int rc = db_exec(c->db, REC_SQL_REVISION_INSERT, p, 9, NULL);
    return rc == DB_OK ? ERR_OK : app_db_fail(c, rc);
}

static enum err
snapshot(struct ctx *c, int64_t app_id, int64_t id, int64_t revision, const char *action,
         const char *data_text)
{
    return rec_snapshot(c, app_id, id, revision, action, data_text, NULL, NULL);
}

/* An empty record object owned by the request. */
static json_t *
empty_record(struct ctx *c)
{
    json_t *o = json_object();
    arena_defer(c->arena, decref, o);
    return o;
}

static char *
dump(struct ctx *c, const json_t *data)
{
    char *s = json_dumps(data, JSON_COMPACT);
    arena_defer(c->arena, free, s);
    return s;
}

static enum err
create_record(struct ctx *c, const struct app_def *d, const json_t *in, const char *prefix,
              int64_t id, int64_t *out_id, int64_t *revision)
{
    enum err e;
    if (!json_is_object(in)) {
        fail_field(c->fail, prefix, MSG_BAD_TYPE, NULL);
        return ERR_INVALID;
    }
    e = acl_check_write(c, d, 0, in);
    if (e != ERR_OK)
        return e;
    if (id <= 0) {
        e = app_next_record_ids(c, d->id, 1, &id);
        if (e != ERR_OK)
            return e;
    }
    struct hook_arg ha;
    struct value_hooks hooks;
    hooks_init(&hooks, &ha, c, d->id, id);
    /* creator and times may be carried over on import (as kintone allows with app rights) */
    bool privileged = c->who.kind == PRIN_TOKEN || c->who.is_admin;
    struct value_sys sys;
    memset(&sys, 0, sizeof(sys));
    json_t *data = NULL;
    e = value_apply(c, d->props, in, NULL, VALUE_CREATE, prefix, &hooks, &data,
                    privileged ? &sys : NULL);
    if (data)
        arena_defer(c->arena, decref, data);
    if (e == ERR_OK && ha.err != ERR_OK)
        e = fail_set(c->fail, ha.err, NULL);
    if (e != ERR_OK)
        return e;
    e = write_unique(c, d, id, data, prefix, false);
    if (e != ERR_OK)
        return e;
    const char *creator = privileged && sys.has_creator ? sys.creator : c->who.login;
    const char *modifier = privileged && sys.has_modifier ? sys.modifier : creator;
    int64_t created = privileged && sys.has_created_at ? sys.created_at : c->now;
    int64_t updated = privileged && sys.has_updated_at ? sys.updated_at : created;
    char *text = dump(c, data);
    const char *status = NULL;
    json_t *assignees = NULL;
    e = wf_initial(c, d, creator, data, &status, &assignees);
    if (e != ERR_OK)
        return e;
    if (assignees)
        arena_defer(c->arena, decref, assignees);
    const char *wire = rec_render(c, d, id, 1, creator, created, modifier, updated, data, status,
                                  assignees);
    struct db_param p[] = { DBP_INT(d->id),       DBP_INT(id),      DBP_TEXT(text),
                            DBP_TEXT(creator),    DBP_INT(created), DBP_TEXT(modifier),
                            DBP_INT(updated),     DBP_TEXT(wire),   DBP_INT(d->render_rev),
                            status ? DBP_TEXT(status) : DBP_NULL,
                            assignees ? DBP_TEXT(dump(c, assignees)) : DBP_NULL,
                            status ? DBP_INT(c->now) : DBP_NULL,
                            status ? DBP_INT(1) : DBP_NULL };
    int rc = db_exec(c->db, REC_SQL_INSERT, p, 13, NULL);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    e = snapshot(c, d->id, id, 1, "create", text);
    if (e == ERR_OK)
        e = acl_bits_refresh(c, d, id);
    if (e == ERR_OK)
        e = search_index_record(c, d->id, id, d->props, data);
    if (e == ERR_OK && status)
        e = lclock_on_status(c, d, id, NULL, status);
    if (e == ERR_OK && status)
        e = wf_notify(c, assignees, d->id, id, "assigned", status, NULL);
    if (e == ERR_OK && status)
        e = wf_auto_after_write(c, d, id);
    if (e != ERR_OK)
        return e;
    *out_id = id;
    *revision = 1;
    return ERR_OK;
}

/* Canonical unique-index value of an update key, computed by the same code that fills the
 * index, from a one-field record. */
struct key_probe {
    const char *code;
    const char *value;
};

static void
key_probe_cb(void *arg, const char *code, const char *value)
{
    struct key_probe *k = arg;
    if (strcmp(code, k->code) == 0)
        k->value = value;
}

static enum err
find_by_key(struct ctx *c, const struct app_def *d, const json_t *key, const char *prefix,
            int64_t *id, bool *found)
{
    const char *field = json_string_value(json_object_get(key, "field"));
    const json_t *val = json_object_get(key, "value");
    *found = false;
    const struct acl_fields *af;
    enum err ae = acl_fields_for(c, d, &af);
    if (ae != ERR_OK)
        return ae;
    /* a key the caller cannot see is as unknown to it as a missing field */
    const json_t *prop = field ? field_find(af->props, field, NULL) : NULL;
    const char *type = prop ? json_string_value(json_object_get(prop, "type")) : NULL;
    if (!prop || !type) {
        fail_field(c->fail, arena_printf(c->arena, "%s.updateKey.field", prefix), MSG_UNKNOWN_FIELD,
                   field ? field : "");
        return ERR_INVALID;
    }
    const char *text = json_is_string(val) ? json_string_value(val) : NULL;
    char numbuf[64];
    if (json_is_integer(val)) {
        snprintf(numbuf, sizeof(numbuf), "%lld", (long long)json_integer_value(val));
        text = numbuf;
    } else if (json_is_real(val)) {
        snprintf(numbuf, sizeof(numbuf), "%.17g", json_real_value(val));
        text = numbuf;
    }
    if (!text || !*text) {
        fail_field(c->fail, arena_printf(c->arena, "%s.updateKey.value", prefix), MSG_REQUIRED,
                   NULL);
        return ERR_INVALID;
    }
    if (strcmp(type, "RECORD_NUMBER") == 0) {
        const char *dash = strrchr(text, '-');
        char *end;
        long long n = strtoll(dash ? dash + 1 : text, &end, 10);
        if (*end || n <= 0)
            return ERR_OK;
        struct db_param p[] = { DBP_INT(d->id), DBP_INT(n) };
        struct db_res *res = NULL;
        int rc = db_query(c->db, REC_SQL_GET, p, 2, &res);
        if (rc != DB_OK)
            return app_db_fail(c, rc);
        rc = db_step(res);
        db_res_free(res);
        if (rc < 0)
            return app_db_fail(c, rc);
        *found = rc == 1;
        *id = n;
        return ERR_OK;
    }
    if (!json_is_true(json_object_get(prop, "unique")) ||
        (strcmp(type, "SINGLE_LINE_TEXT") != 0 && strcmp(type, "NUMBER") != 0)) {
        fail_field(c->fail, arena_printf(c->arena, "%s.updateKey.field", prefix), MSG_BAD_PARAM,
                   NULL);
        return ERR_INVALID;
    }
    /* build {field: typed value} and let value_unique_each canonicalise it */
    json_t *probe_data = json_object();
    arena_defer(c->arena, decref, probe_data);
    if (strcmp(type, "NUMBER") == 0) {
        char *end;
        double dv = strtod(text, &end);
        if (*end)
            return ERR_OK; /* not a number: cannot match */
        if (dv == (double)(long long)dv && dv > -9e15 && dv < 9e15)
            json_object_set_new(probe_data, field, json_integer((long long)dv));
        else
            json_object_set_new(probe_data, field, json_real(dv));
    } else {
        json_object_set_new(probe_data, field, json_string(text));
    }
    struct key_probe kp = { .code = field, .value = NULL };
    value_unique_each(d->props, probe_data, key_probe_cb, &kp);
    if (!kp.value)
        return ERR_OK;
    struct db_param p[] = { DBP_INT(d->id), DBP_TEXT(field), DBP_TEXT(kp.value) };
    int64_t rid;
    int rc = db_query_int(c->db, REC_SQL_UNIQUE_FIND, p, 3, &rid, found);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    if (*found)
        *id = rid;
    return ERR_OK;
}

/* For upsert inserts: the key field's value must be part of the new record. */
static json_t *
with_key(struct ctx *c, const json_t *in, const json_t *key)
{
    const char *field = json_string_value(json_object_get(key, "field"));
    json_t *copy = json_deep_copy(in ? in : empty_record(c));
    arena_defer(c->arena, decref, copy);
    if (field && !json_object_get(copy, field))
        json_object_set_new(copy, field,
                            json_pack("{s:O}", "value", json_object_get(key, "value")));
    return copy;
}

static enum err
update_record(struct ctx *c, const struct app_def *d, const struct rec_target *t,
              const json_t *in, const char *prefix, bool upsert, int64_t *out_id,
              int64_t *revision, bool *inserted)
{
    enum err e;
    int64_t id = t->id;
    bool found = true;
    *inserted = false;
    if (in && !json_is_object(in)) {
        fail_field(c->fail, prefix, MSG_BAD_TYPE, NULL);
        return ERR_INVALID;
    }
    if (t->update_key) {
        e = find_by_key(c, d, t->update_key, prefix, &id, &found);
        if (e != ERR_OK)
            return e;
        if (!found && upsert) {
            *inserted = true;
            return rec_create(c, d, with_key(c, in, t->update_key), prefix, 0, out_id, revision);
        }
        if (!found)
            return fail_set(c->fail, ERR_RECORD_NOT_FOUND,
                            json_string_value(json_object_get(t->update_key, "value")));
    }
    struct db_param p[] = { DBP_INT(d->id), DBP_INT(id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, db_kind(c->db) == DB_PG ? REC_SQL_GET_FOR_UPDATE_PG : REC_SQL_GET, p,
                      2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    rc = db_step(res);
    int64_t cur_rev = 0, created_at = 0;
    json_t *current = NULL, *assignees = NULL;
    const char *creator = NULL, *status = NULL;
    if (rc == 1) {
        cur_rev = db_col_int(res, 1);
        status = db_col_null(res, 2) ? NULL : arena_strdup(c->arena, db_col_text(res, 2));
        assignees = db_col_null(res, 3) ? NULL : json_loadb(db_col_text(res, 3), db_col_len(res, 3), 0, NULL);
        if (assignees)
            arena_defer(c->arena, decref, assignees);
        current = json_loadb(db_col_text(res, 4), db_col_len(res, 4), 0, NULL);
        creator = arena_strdup(c->arena, db_col_text(res, 5));
        created_at = db_col_int(res, 6);
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    if (rc == 0) {
        if (upsert && !t->update_key) {
            *inserted = true;
            return rec_create(c, d, in ? in : empty_record(c), prefix, 0, out_id, revision);
        }
        return rec_not_found(c, id);
    }
    if (!current)
        current = json_object();
    arena_defer(c->arena, decref, current);
    e = acl_record(c, d, id, ACL_EDIT);
    if (e == ERR_OK)
        e = acl_check_write(c, d, id, in);
    if (e != ERR_OK)
        return e;
    if (t->expected_revision != -1 && t->expected_revision != cur_rev)
        return fail_set(c->fail, ERR_REVISION, NULL);

    json_t *input = (json_t *)in;
    if (t->update_key && in) {
        /* the key itself is not rewritten */
        input = json_deep_copy(in);
        arena_defer(c->arena, decref, input);
        json_object_del(input, json_string_value(json_object_get(t->update_key, "field")));
    }
    struct hook_arg ha;
    struct value_hooks hooks;
    hooks_init(&hooks, &ha, c, d->id, id);
    json_t *data = NULL;
    struct value_sys sys;
    memset(&sys, 0, sizeof(sys));
    sys.creator = creator; /* formulas may read 作成者 / 作成日時 */
    sys.has_creator = creator != NULL;
    sys.created_at = created_at;
    sys.has_created_at = true;
    e = value_apply(c, d->props, input ? input : empty_record(c), current, VALUE_UPDATE, prefix,
                    &hooks, &data, &sys);
    if (data)
        arena_defer(c->arena, decref, data);
    if (e == ERR_OK && ha.err != ERR_OK)
        e = fail_set(c->fail, ha.err, NULL);
    if (e != ERR_OK)
        return e;
    e = write_unique(c, d, id, data, prefix, true);
    if (e != ERR_OK)
        return e;
    char *text = dump(c, data);
    int64_t new_rev = cur_rev + 1;
    const char *wire = rec_render(c, d, id, new_rev, creator, created_at, c->who.login, c->now,
                                  data, status, assignees);
    struct db_param u[] = { DBP_INT(d->id),         DBP_INT(id),     DBP_INT(new_rev),
                            DBP_TEXT(text),         DBP_TEXT(c->who.login), DBP_INT(c->now),
                            DBP_TEXT(wire),         DBP_INT(d->render_rev) };
    rc = db_exec(c->db, REC_SQL_UPDATE, u, 8, NULL);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    e = snapshot(c, d->id, id, new_rev, "update", text);
    if (e == ERR_OK)
        e = acl_bits_refresh(c, d, id);
    if (e == ERR_OK)
        e = search_index_record(c, d->id, id, d->props, data);
    if (e == ERR_OK && status)
        e = wf_auto_after_write(c, d, id);
    if (e != ERR_OK)
        return e;
    *out_id = id;
    *revision = new_rev;
    return ERR_OK;
}

/* Field errors never name a field the caller may not see (acl_scrub_errors). */
enum err
rec_create(struct ctx *c, const struct app_def *d, const json_t *in, const char *prefix,
           int64_t id, int64_t *out_id, int64_t *revision)
{
    in = routing_apply(c, d, in); /* the office a new record goes to (routing.h) */
    enum err e = acl_scrub_errors(c, d, create_record(c, d, in, prefix, id, out_id, revision));
    return e == ERR_OK ? ledger_sync(c, d, *out_id) : e; /* the 審査台帳 (ledger.h) */
}

enum err
rec_update(struct ctx *c, const struct app_def *d, const struct rec_target *t, const json_t *in,
           const char *prefix, bool upsert, int64_t *out_id, int64_t *revision, bool *inserted)
{
    enum err e = acl_scrub_errors(
        c, d, update_record(c, d, t, in, prefix, upsert, out_id, revision, inserted));
    return e == ERR_OK ? ledger_sync(c, d, *out_id) : e; /* the 審査台帳 (ledger.h) */
}

enum err
rec_delete(struct ctx *c, const struct app_def *d, int64_t id, int64_t expected_revision,
           const char *prefix)
{
    (void)prefix;
    struct db_param p[] = { DBP_INT(d->id), DBP_INT(id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, db_kind(c->db) == DB_PG ? REC_SQL_GET_FOR_UPDATE_PG : REC_SQL_GET, p,
                      2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    rc = db_step(res);
    int64_t cur_rev = 0;
    char *text = NULL;
    if (rc == 1) {
        cur_rev = db_col_int(res, 1);
        text = arena_strdup(c->arena, db_col_text(res, 4));
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    if (rc == 0)
        return rec_not_found(c, id);
    enum err e = acl_record(c, d, id, ACL_DELETE);
    if (e != ERR_OK)
        return e;
    if (expected_revision != -1 && expected_revision != cur_rev)
        return fail_set(c->fail, ERR_REVISION, NULL);
    struct db_param dp[] = { DBP_INT(d->id), DBP_INT(id), DBP_INT(c->now),
                             DBP_TEXT(c->who.login) };
    rc = db_exec(c->db, REC_SQL_SOFT_DELETE, dp, 4, NULL);
    if (rc == DB_OK)
        rc = db_exec(c->db, REC_SQL_UNIQUE_DELETE, p, 2, NULL);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    e = snapshot(c, d->id, id, cur_rev + 1, "delete", text);
    if (e == ERR_OK)
        e = search_delete_record(c, d->id, id);
    if (e == ERR_OK)
        e = ledger_sync(c, d, id); /* the 審査台帳 (ledger.h) */
    return e;
}

enum err
rec_restore(struct ctx *c, const struct app_def *d, int64_t id, int64_t *revision)
{
    struct db_param p[] = { DBP_INT(d->id), DBP_INT(id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, REC_SQL_GET_DELETED, p, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    rc = db_step(res);
    int64_t rev = 0, created_at = 0;
    const char *creator = NULL, *status = NULL;
    json_t *data = NULL, *assignees = NULL;
    if (rc == 1) {
        rev = db_col_int(res, 0);
        data = json_loadb(db_col_text(res, 1), db_col_len(res, 1), 0, NULL);
        creator = arena_strdup(c->arena, db_col_text(res, 2));
        created_at = db_col_int(res, 3);
        status = db_col_null(res, 4) ? NULL : arena_strdup(c->arena, db_col_text(res, 4));
        assignees = db_col_null(res, 5) ? NULL : json_loadb(db_col_text(res, 5), db_col_len(res, 5), 0, NULL);
        if (assignees)
            arena_defer(c->arena, decref, assignees);
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    if (rc == 0 || !data) {
        json_decref(data);
        return rec_not_found(c, id);
    }
    arena_defer(c->arena, decref, data);
    enum err e = write_unique(c, d, id, data, "record", false);
    if (e != ERR_OK)
        return e;
    int64_t new_rev = rev + 1;
    const char *wire = rec_render(c, d, id, new_rev, creator, created_at, c->who.login, c->now,
                                  data, status, assignees);
    struct db_param u[] = { DBP_INT(d->id),         DBP_INT(id),     DBP_INT(new_rev),
                            DBP_TEXT(c->who.login), DBP_INT(c->now), DBP_TEXT(wire),
                            DBP_INT(d->render_rev) };
    rc = db_exec(c->db, REC_SQL_UNDELETE, u, 7, NULL);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    e = snapshot(c, d->id, id, new_rev, "restore", dump(c, data));
    if (e == ERR_OK)
        e = acl_bits_refresh(c, d, id);
    if (e == ERR_OK)
        e = search_index_record(c, d->id, id, d->props, data);
    if (e == ERR_OK)
        e = ledger_sync(c, d, id); /* the 審査台帳 (ledger.h) */
    if (e == ERR_OK)
        *revision = new_rev;
    return e;
}

enum err
app_rerender_records(struct ctx *c, const struct app_def *live)
{
    int64_t last = 0;
    for (;;) {
        /* a chunk at a time, each with its own arena, so memory stays flat on large apps */
        struct ctx cc = *c;
        cc.arena = arena_new();
        struct db_param p[] = { DBP_INT(live->id), DBP_INT(last) };
        struct db_res *res = NULL;
        int rc = db_query(c->db, REC_SQL_CHUNK, p, 2, &res);
        if (rc != DB_OK) {
            arena_free(cc.arena);
            return app_db_fail(c, rc);
        }
        int n = 0;
        int64_t ids[500];
        const char *wires[500];
        while ((rc = db_step(res)) == 1 && n < 500) {
            json_t *data = json_loadb(db_col_text(res, 2), db_col_len(res, 2), 0, NULL);
            if (!data)
                data = json_object();
            json_t *as = db_col_null(res, 8)
                             ? NULL
                             : json_loadb(db_col_text(res, 8), db_col_len(res, 8), 0, NULL);
            ids[n] = db_col_int(res, 0);
            wires[n] = rec_render(&cc, live, ids[n], db_col_int(res, 1), db_col_text(res, 3),
                                  db_col_int(res, 4), db_col_text(res, 5), db_col_int(res, 6),
                                  data, db_col_null(res, 7) ? NULL : db_col_text(res, 7), as);
            json_decref(as);
            json_decref(data);
            n++;
        }
        db_res_free(res);
        for (int i = 0; i < n && rc >= 0; i++) {
            struct db_param u[] = { DBP_INT(live->id), DBP_INT(ids[i]), DBP_TEXT(wires[i]),
                                    DBP_INT(live->render_rev) };
            int urc = db_exec(c->db, REC_SQL_SET_WIRE, u, 4, NULL);
            if (urc != DB_OK)
                rc = urc;
        }
        arena_free(cc.arena);
        if (rc < 0)
            return app_db_fail(c, rc);
        if (n < 500)
            return ERR_OK;
        last = ids[n - 1];
    }
}

enum err
rec_merge_values(struct ctx *c, const struct app_def *d, int64_t id, const json_t *current,
                 const json_t *in, const char *prefix, json_t **out)
{
    struct hook_arg ha;
    struct value_hooks hooks;
    hooks_init(&hooks, &ha, c, d->id, id);
    *out = NULL;
    enum err e = value_apply(c, d->props, in, current, VALUE_UPDATE, prefix, &hooks, out, NULL);
    if (e == ERR_OK && ha.err != ERR_OK)
        e = fail_set(c->fail, ha.err, NULL);
    if (e != ERR_OK) {
        json_decref(*out);
        *out = NULL;
    }
    return e;
}

enum err
rec_wf_store(struct ctx *c, const struct app_def *d, const struct rec_wf_write *w)
{
    struct db_param p[] = { DBP_INT(d->id), DBP_INT(w->id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, REC_SQL_WF_ROW, p, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    rc = db_step(res);
    json_t *stored = NULL;
    const char *creator = NULL;
    int64_t created_at = 0;
    if (rc == 1) {
        stored = json_loadb(db_col_text(res, 0), db_col_len(res, 0), 0, NULL);
        creator = arena_strdup(c->arena, db_col_text(res, 1));
        created_at = db_col_int(res, 2);
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    if (rc == 0)
        return rec_not_found(c, w->id);
    if (!stored)
        stored = json_object();
    arena_defer(c->arena, decref, stored);
    const json_t *data = w->data ? w->data : stored;
    enum err e = ERR_OK;
    if (w->data)
        e = write_unique(c, d, w->id, w->data, "record", true);
    if (e != ERR_OK)
        return e;
    char *text = dump(c, data);
    const char *wire = rec_render(c, d, w->id, w->revision, creator, created_at, c->who.login,
                                  c->now, data, w->status, w->assignees);
    struct db_param u[] = { DBP_INT(d->id),
                            DBP_INT(w->id),
                            DBP_INT(w->revision),
                            w->data ? DBP_TEXT(text) : DBP_NULL,
                            DBP_TEXT(c->who.login),
                            DBP_INT(c->now),
                            DBP_TEXT(wire),
                            DBP_INT(d->render_rev),
                            w->status ? DBP_TEXT(w->status) : DBP_NULL,
                            DBP_TEXT(w->assignees ? dump(c, w->assignees) : "[]"),
                            DBP_INT(w->enters_status ? 1 : 0) };
    rc = db_exec(c->db, REC_SQL_WF_STORE, u, 11, NULL);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    e = rec_snapshot(c, d->id, w->id, w->revision, w->action, text, w->reason, w->detail_json);
    if (e == ERR_OK)
        e = acl_bits_refresh(c, d, w->id);
    if (e == ERR_OK && w->data)
        e = search_index_record(c, d->id, w->id, d->props, data);
    if (e == ERR_OK)
        e = ledger_sync(c, d, w->id); /* the 審査台帳 (ledger.h) */
    return e;
}
