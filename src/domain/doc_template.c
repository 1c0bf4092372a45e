/* Document templates of an app (see doc_template.h): versioned storage, lists and the
 * templates a status issues automatically. */
#include "domain/doc_template.h"

#include "core/arena.h"
#include "db/db.h"
#include "domain/app.h"
#include "domain/doc_template_sql.h"

#include <stdlib.h>
#include <string.h>

#define TPL_CODE_MAX 32
#define TPL_CODE_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_-"

static enum err
tpl_not_found(struct ctx *c)
{
    return fail_set(c->fail, ERR_NOT_FOUND, c->lang == LANG_EN ? "template" : "テンプレート");
}

static const char *
who(const struct ctx *c)
{
    return c->who.login ? c->who.login : "";
}

static void
decref(void *p)
{
    json_decref(p);
}

/* Parses a stored definition; NULL (logged as internal) when it does not parse. */
static json_t *
parse_def(struct ctx *c, const char *text)
{
    json_t *def = json_loads(text, 0, NULL);
    if (!def)
        return NULL;
    arena_defer(c->arena, decref, def);
    return def;
}

enum err
tpl_save(struct ctx *c, int64_t app_id, const json_t *def, int64_t *version)
{
    const char *code = json_string_value(json_object_get(def, "code"));
    const char *name = json_string_value(json_object_get(def, "name"));
    if (!code || !name) {
        fail_field(c->fail, code ? "name" : "code", MSG_REQUIRED, NULL);
        return ERR_INVALID;
    }
    /* the code ends up in URLs, file names and the audit log: the documented shape only */
    size_t n = strlen(code);
    if (n < 1 || n > TPL_CODE_MAX || strspn(code, TPL_CODE_CHARS) != n) {
        fail_field(c->fail, "code", MSG_BAD_PARAM, NULL);
        return ERR_INVALID;
    }
    char *text = json_dumps(def, JSON_COMPACT | JSON_SORT_KEYS);
    if (!text)
        return fail_set(c->fail, ERR_INTERNAL, NULL);
    const char *stored = arena_strdup(c->arena, text);
    free(text);

    struct db_param fp[] = { DBP_INT(app_id), DBP_TEXT(code) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, TPL_SQL_FIND, fp, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    int64_t id = 0, ver = 0;
    rc = db_step(res);
    if (rc == 1) {
        id = db_col_int(res, 0);
        ver = db_col_int(res, 1);
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    ver++;
    if (id == 0) {
        struct db_param p[] = { DBP_INT(app_id), DBP_TEXT(code),   DBP_TEXT(name),
                                DBP_TEXT(stored), DBP_INT(c->now), DBP_TEXT(who(c)) };
        bool found = false;
        rc = db_query_int(c->db, TPL_SQL_INSERT, p, 6, &id, &found);
        if (rc == DB_OK && !found)
            rc = DB_ERROR;
    } else {
        struct db_param p[] = { DBP_INT(id),  DBP_TEXT(name),   DBP_TEXT(stored),
                                DBP_INT(ver), DBP_INT(c->now), DBP_TEXT(who(c)) };
        rc = db_exec(c->db, TPL_SQL_UPDATE, p, 6, NULL);
    }
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    struct db_param vp[] = { DBP_INT(id), DBP_INT(ver), DBP_TEXT(stored), DBP_INT(c->now),
                             DBP_TEXT(who(c)) };
    rc = db_exec(c->db, TPL_SQL_VERSION_INSERT, vp, 5, NULL);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    if (version)
        *version = ver;
    return ERR_OK;
}

enum err
tpl_load(struct ctx *c, int64_t app_id, const char *code, int64_t version, struct tpl *out)
{
    memset(out, 0, sizeof(*out));
    if (!code || !*code)
        return tpl_not_found(c);
    struct db_param p[] = { DBP_INT(app_id), DBP_TEXT(code), DBP_INT(version) };
    struct db_res *res = NULL;
    int rc = version > 0 ? db_query(c->db, TPL_SQL_LOAD_VERSION, p, 3, &res)
                         : db_query(c->db, TPL_SQL_LOAD_LATEST, p, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    rc = db_step(res);
    if (rc == 1) {
        out->id = db_col_int(res, 0);
        out->version = db_col_int(res, 1);
        out->def = parse_def(c, db_col_text(res, 2));
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    if (rc == 0)
        return tpl_not_found(c);
    if (!out->def)
        return fail_set(c->fail, ERR_INTERNAL, NULL);
    out->app_id = app_id;
    out->code = arena_strdup(c->arena, code);
    /* the name of that version (the row's name is the latest one's) */
    const char *name = json_string_value(json_object_get(out->def, "name"));
    out->name = arena_strdup(c->arena, name ? name : code);
    return ERR_OK;
}

enum err
tpl_list(struct ctx *c, int64_t app_id, json_t **out)
{
    *out = NULL;
    struct db_param p[] = { DBP_INT(app_id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, TPL_SQL_LIST, p, 1, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    json_t *list = json_array();
    while ((rc = db_step(res)) == 1) {
        json_t *def = json_loads(db_col_text(res, 6), 0, NULL);
        const char *kind = json_string_value(json_object_get(def, "kind"));
        json_t *autos = json_object_get(def, "auto");
        json_t *o = json_pack("{s:s,s:s,s:s,s:I,s:I,s:s,s:o}", "code", db_col_text(res, 1),
                              "name", db_col_text(res, 2), "kind", kind ? kind : "record",
                              "version", (json_int_t)db_col_int(res, 3), "updatedAt",
                              (json_int_t)db_col_int(res, 4), "updatedBy", db_col_text(res, 5),
                              "auto", json_is_array(autos) ? json_incref(autos) : json_array());
        json_decref(def);
        if (o && app_id == 0)
            json_object_set_new(o, "app", json_integer(db_col_int(res, 0)));
        json_array_append_new(list, o);
    }
    db_res_free(res);
    if (rc < 0) {
        json_decref(list);
        return app_db_fail(c, rc);
    }
    *out = json_pack("{s:o}", "templates", list);
    return ERR_OK;
}

enum err
tpl_delete(struct ctx *c, int64_t app_id, const char *code)
{
    struct db_param p[] = { DBP_INT(app_id), DBP_TEXT(code ? code : ""), DBP_INT(c->now),
                            DBP_TEXT(who(c)) };
    int64_t changed = 0;
    int rc = db_exec(c->db, TPL_SQL_DELETE, p, 4, &changed);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    return changed > 0 ? ERR_OK : tpl_not_found(c);
}

enum err
tpl_auto_for(struct ctx *c, int64_t app_id, const char *status, json_t **out)
{
    *out = NULL;
    struct db_param p[] = { DBP_INT(app_id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, TPL_SQL_AUTO, p, 1, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    json_t *list = json_array();
    while ((rc = db_step(res)) == 1) {
        json_t *def = json_loads(db_col_text(res, 1), 0, NULL);
        size_t i;
        const json_t *a;
        json_array_foreach(json_object_get(def, "auto"), i, a)
        {
            const char *st = json_string_value(json_object_get(a, "status"));
            if (!st || !status || strcmp(st, status) != 0)
                continue;
            json_array_append_new(list, json_pack("{s:s,s:b}", "code", db_col_text(res, 0),
                                                  "deliver",
                                                  json_is_true(json_object_get(a, "deliver"))));
            break; /* once per template, whatever the definition repeats */
        }
        json_decref(def);
    }
    db_res_free(res);
    if (rc < 0) {
        json_decref(list);
        return app_db_fail(c, rc);
    }
    *out = list;
    return ERR_OK;
}
