/* Reverting a record to an earlier revision: its field values written as a new revision
 * (action "revert"), with the same bookkeeping as an update (record_write.c). See
 * record_history.h. */
#include "domain/record_history.h"

#include "core/arena.h"
#include "db/db.h"
#include "domain/acl.h"
#include "domain/audit.h"
#include "domain/field.h"
#include "domain/record_history_int.h"
#include "domain/record_history_sql.h"
#include "domain/record_int.h"
#include "domain/record_sql.h"
#include "domain/search.h"
#include "domain/value.h"

#include <stdlib.h>
#include <string.h>

/* Fields whose value a user sets (not computed, not system). */
static bool
user_written(const json_t *def, enum ftype t)
{
    return field_type_has_value(t) && !field_type_is_system(t) && t != FT_CALC &&
           !(t == FT_SINGLE_LINE_TEXT && *field_str(def, "expression"));
}

/* Not live: a deleted record comes back with restore, not revert; only managers learn that
 * it exists. */
static enum err
revert_gone(struct ctx *c, const struct app_def *d, int64_t id)
{
    struct head h;
    bool found;
    enum err e = his_head_load(c, d, id, &h, &found);
    if (e != ERR_OK)
        return e;
    if (!found || !h.deleted || !(acl_app_rights(c, d) & ACL_MANAGE))
        return rec_not_found(c, id);
    fail_field(c->fail, "id", MSG_TEXT,
               c->lang == LANG_EN
                   ? "The record is deleted: restore it before reverting it to an earlier revision."
                   : "削除されたレコードは以前の版に戻せません。先にレコードを復元してください。");
    return ERR_INVALID;
}

static enum err
revert(struct ctx *c, const struct app_def *d, int64_t id, int64_t to, int64_t expected,
       const char *reason, int64_t *revision)
{
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
        if (!db_col_null(res, 3))
            assignees = his_keep(c, json_loadb(db_col_text(res, 3), db_col_len(res, 3), 0, NULL));
        current = his_keep(c, json_loadb(db_col_text(res, 4), db_col_len(res, 4), 0, NULL));
        creator = arena_strdup(c->arena, db_col_text(res, 5));
        created_at = db_col_int(res, 6);
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    if (rc == 0)
        return revert_gone(c, d, id);
    if (!json_is_object(current))
        current = his_keep(c, json_object());
    enum err e = acl_record(c, d, id, ACL_EDIT);
    if (e != ERR_OK)
        return e;
    if (expected != -1 && expected != cur_rev)
        return fail_set(c->fail, ERR_REVISION, NULL);
    struct snap *old = NULL;
    int64_t n = 0;
    if (to >= 1 && to < cur_rev) {
        struct db_param q[] = { DBP_INT(d->id), DBP_INT(id), DBP_INT(to) };
        e = his_snap_query(c, HIS_SQL_ONE, q, 3, 1, &old, &n);
        if (e != ERR_OK)
            return e;
    }
    if (n == 0) {
        fail_field(c->fail, "revision", MSG_BAD_PARAM, NULL);
        return ERR_INVALID;
    }
    /* the old values of the fields the app has now; a field added since kept no value then
     * and keeps today's, a field deleted since cannot come back */
    json_t *target = his_keep(c, json_deep_copy(current));
    json_t *touched = his_keep(c, json_object());
    const char *code;
    json_t *def;
    json_object_foreach(d->props, code, def)
    {
        enum ftype t = field_def_type(def);
        const json_t *was = json_object_get(old->data, code);
        if (!field_type_has_value(t) || field_type_is_system(t) || !was)
            continue;
        if (user_written(def, t) && !his_same(json_object_get(current, code), was))
            json_object_set_new(touched, code, json_object());
        json_object_set(target, code, (json_t *)was);
    }
    /* the caller must be able to write every field the revert changes */
    e = acl_check_write(c, d, id, touched);
    if (e != ERR_OK)
        return e;
    /* formulas and required fields as an update that sends nothing would have them */
    struct value_sys sys;
    memset(&sys, 0, sizeof(sys));
    sys.creator = creator;
    sys.has_creator = true;
    sys.created_at = created_at;
    sys.has_created_at = true;
    json_t *data = NULL;
    e = value_apply(c, d->props, NULL, target, VALUE_UPDATE, "record", NULL, &data, &sys);
    his_keep(c, data);
    if (e != ERR_OK)
        return e;
    e = rec_write_unique(c, d, id, data, "record");
    if (e != ERR_OK)
        return e;
    char *text = json_dumps(data, JSON_COMPACT);
    arena_defer(c->arena, free, text);
    int64_t new_rev = cur_rev + 1;
    /* status and assignees stay as they are: the workflow owns them */
    const char *wire = rec_render(c, d, id, new_rev, creator, created_at, c->who.login, c->now,
                                  data, status, assignees);
    struct db_param u[] = { DBP_INT(d->id),         DBP_INT(id),     DBP_INT(new_rev),
                            DBP_TEXT(text),         DBP_TEXT(c->who.login), DBP_INT(c->now),
                            DBP_TEXT(wire),         DBP_INT(d->render_rev) };
    rc = db_exec(c->db, REC_SQL_UPDATE, u, 8, NULL);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    const char *detail = arena_printf(c->arena, "{\"to\":%lld}", (long long)to);
    e = rec_snapshot(c, d->id, id, new_rev, "revert", text, reason, detail);
    if (e == ERR_OK)
        e = acl_bits_refresh(c, d, id);
    if (e == ERR_OK)
        e = search_index_record(c, d->id, id, d->props, data);
    if (e != ERR_OK)
        return e;
    audit_note(c, "record",
               json_pack("{s:I, s:I}", "app", (json_int_t)d->id, "id", (json_int_t)id));
    audit_note(c, "revert", json_pack("{s:I, s:I}", "to", (json_int_t)to, "revision",
                                      (json_int_t)new_rev));
    *revision = new_rev;
    return ERR_OK;
}

/* Field errors never name a field the caller may not see (acl_scrub_errors). */
enum err
his_revert(struct ctx *c, const struct app_def *d, int64_t id, int64_t to,
           int64_t expected_revision, const char *reason, int64_t *revision)
{
    return acl_scrub_errors(c, d, revert(c, d, id, to, expected_revision, reason, revision));
}
