/* Record comments (kintone record/comment(s).json). */
#include "record.h"

#include "core/arena.h"
#include "core/clock.h"
#include "db/db.h"
#include "domain/record_int.h"
#include "domain/record_sql.h"

#include "domain/acl.h"

#include <stdlib.h>
#include <string.h>

static enum err
record_exists(struct ctx *c, const struct app_def *d, int64_t record_id)
{
    struct db_param p[] = { DBP_INT(d->id), DBP_INT(record_id) };
    int64_t one;
    bool found;
    int rc = db_query_int(c->db, COM_SQL_RECORD_EXISTS, p, 2, &one, &found);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    if (!found)
        return rec_not_found(c, record_id);
    /* comments belong to the record: whoever may not see it may neither read nor write them */
    return acl_record(c, d, record_id, ACL_VIEW);
}

enum err
rec_comment_add(struct ctx *c, const struct app_def *d, int64_t record_id, const json_t *comment,
                int64_t *id)
{
    const char *text = json_string_value(json_object_get(comment, "text"));
    if (!json_is_object(comment) || !text || !*text || strlen(text) > 65535) {
        fail_field(c->fail, "comment.text", text && *text ? MSG_TOO_LONG : MSG_REQUIRED, "65535");
        return ERR_INVALID;
    }
    const json_t *mentions = json_object_get(comment, "mentions");
    if (mentions && !json_is_array(mentions)) {
        fail_field(c->fail, "comment.mentions", MSG_BAD_TYPE, NULL);
        return ERR_INVALID;
    }
    size_t i;
    json_t *m;
    json_array_foreach(mentions, i, m)
    {
        const char *code = json_string_value(json_object_get(m, "code"));
        const char *type = json_string_value(json_object_get(m, "type"));
        if (!code || !type ||
            (strcmp(type, "USER") && strcmp(type, "GROUP") && strcmp(type, "ORGANIZATION"))) {
            fail_field(c->fail, arena_printf(c->arena, "comment.mentions[%zu]", i), MSG_BAD_PARAM,
                       NULL);
            return ERR_INVALID;
        }
    }
    enum err e = record_exists(c, d, record_id);
    if (e != ERR_OK)
        return e;
    struct db_param p[] = { DBP_INT(d->id), DBP_INT(record_id) };
    bool found;
    int rc = db_query_int(c->db, COM_SQL_NEXT_ID, p, 2, id, &found);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    char *mtext = mentions ? json_dumps(mentions, JSON_COMPACT) : strdup("[]");
    arena_defer(c->arena, free, mtext);
    struct db_param ins[] = { DBP_INT(d->id), DBP_INT(record_id), DBP_INT(*id),
                              DBP_TEXT(text), DBP_TEXT(mtext), DBP_TEXT(c->who.login),
                              DBP_INT(c->now) };
    rc = db_exec(c->db, COM_SQL_INSERT, ins, 7, NULL);
    return rc == DB_OK ? ERR_OK : app_db_fail(c, rc);
}

enum err
rec_comment_list(struct ctx *c, const struct app_def *d, int64_t record_id, bool asc,
                 int64_t offset, int64_t limit, json_t **out)
{
    enum err e = record_exists(c, d, record_id);
    if (e != ERR_OK)
        return e;
    /* one extra row tells whether there are more in the paging direction */
    struct db_param p[] = { DBP_INT(d->id), DBP_INT(record_id), DBP_INT(limit + 1),
                            DBP_INT(offset) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, asc ? COM_SQL_LIST_ASC : COM_SQL_LIST_DESC, p, 4, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    json_t *arr = json_array();
    int64_t n = 0;
    bool more = false;
    while ((rc = db_step(res)) == 1) {
        if (n++ >= limit) {
            more = true;
            break;
        }
        char when[24];
        clock_format_utc(db_col_int(res, 4), when);
        json_t *mentions = json_loadb(db_col_text(res, 2), db_col_len(res, 2), 0, NULL);
        const char *creator = db_col_text(res, 3);
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:o}", "id",
                           arena_printf(c->arena, "%lld", (long long)db_col_int(res, 0)), "text",
                           db_col_text(res, 1), "createdAt", when, "creator", "code", creator,
                           "name", rec_display_name(c, "USER", creator), "mentions",
                           mentions ? mentions : json_array()));
    }
    db_res_free(res);
    if (rc < 0) {
        json_decref(arr);
        return app_db_fail(c, rc);
    }
    /* kintone: "older"/"newer" relative to the returned page */
    bool older = asc ? offset > 0 : more;
    bool newer = asc ? more : offset > 0;
    *out = json_pack("{s:o, s:b, s:b}", "comments", arr, "older", older, "newer", newer);
    return ERR_OK;
}

enum err
rec_comment_delete(struct ctx *c, const struct app_def *d, int64_t record_id, int64_t comment_id)
{
    enum err e = record_exists(c, d, record_id);
    if (e != ERR_OK)
        return e;
    struct db_param p[] = { DBP_INT(d->id), DBP_INT(record_id), DBP_INT(comment_id),
                            DBP_INT(c->now) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, COM_SQL_GET, p, 3, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    rc = db_step(res);
    bool own = rc == 1 && c->who.login && strcmp(db_col_text(res, 0), c->who.login) == 0;
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    if (rc == 0)
        return fail_set(c->fail, ERR_COMMENT_NOT_FOUND, NULL);
    if (!own && c->who.kind != PRIN_TOKEN && !c->who.is_admin)
        return fail_set(c->fail, ERR_FORBIDDEN, NULL);
    rc = db_exec(c->db, COM_SQL_DELETE, p, 4, NULL);
    return rc == DB_OK ? ERR_OK : app_db_fail(c, rc);
}
