/* Groups (roles) and single membership changes. kintone's virtual groups "everyone" and
 * "Administrators" exist in every permission list already, so real groups may not take
 * those codes. */
#include "domain/dir_int.h"

#include "core/arena.h"
#include "db/db.h"
#include "domain/dir_sql.h"

#include <string.h>
#include <strings.h>

static int64_t
group_id_of(const void *p)
{
    return ((const struct dir_group *)p)->id;
}

bool
dir_group_code_reserved(const char *code)
{
    /* case-insensitive: "Everyone" next to "everyone" would only confuse permission lists */
    return code && (strcasecmp(code, "everyone") == 0 || strcasecmp(code, "Administrators") == 0);
}

enum err
dir_group_get(struct ctx *c, const char *code, struct dir_group *out)
{
    bool found = false;
    enum err e =
        dir_load_one(c, DIR_SQL_GROUP_BY_CODE, DBP_TEXT(code ? code : ""),
                     dir_read_group, out, &found);
    if (e == ERR_OK && !found)
        return dir_not_found(c, "グループ", "group");
    return e;
}

enum err
dir_groups_list(struct ctx *c, const struct dir_query *q, struct dir_group **out, size_t *n)
{
    void *items = NULL;
    enum err e = q->nkeys ? dir_list_keys(c, q, DIR_SQL_GROUP_BY_ID, DIR_SQL_GROUP_BY_CODE,
                                          sizeof(struct dir_group), dir_read_group, group_id_of,
                                          &items, n)
                          : dir_list(c, DIR_SQL_GROUPS_ALL, q->limit, q->offset, NULL,
                                     sizeof(struct dir_group), dir_read_group, &items, n);
    *out = items;
    return e;
}

enum err
dir_group_save(struct ctx *c, const struct dir_group_in *in, enum dir_mode mode,
               struct dir_result *res)
{
    memset(res, 0, sizeof(*res));
    bool ok = dir_check_code(c, "code", in->code);
    if (ok && dir_group_code_reserved(in->code)) {
        dir_field(c, "code", "「everyone」「Administrators」はkintoneの仮想グループのコードのため使えません。",
                  "\"everyone\" and \"Administrators\" are kintone's virtual groups and cannot "
                  "be used as codes.");
        ok = false;
    }
    if (in->name)
        ok &= dir_check_text(c, "name", in->name, true, DIR_NAME_MAX, false);
    if (in->name_en)
        ok &= dir_check_text(c, "nameEn", in->name_en, false, DIR_NAME_MAX, false);
    if (in->description)
        ok &= dir_check_text(c, "description", in->description, false, DIR_TEXT_MAX, true);
    if (!ok)
        return ERR_INVALID;
    struct dir_group old;
    bool exists = false;
    enum err e = dir_load_one(c, DIR_SQL_GROUP_BY_CODE,
                              DBP_TEXT(in->code ? in->code : ""),
                              dir_read_group, &old, &exists);
    if (e != ERR_OK)
        return e;
    if (mode == DIR_CREATE && exists) {
        fail_field(c->fail, "code", MSG_DUPLICATE, NULL);
        return ERR_INVALID;
    }
    if (mode == DIR_UPDATE && !exists)
        return dir_not_found(c, "グループ", "group");
    if (!exists && !in->name) {
        fail_field(c->fail, "name", MSG_REQUIRED, NULL);
        return ERR_INVALID;
    }
    const char *name = in->name ? in->name : exists ? old.name : "";
    const char *name_en = in->name_en ? in->name_en : exists ? old.name_en : "";
    const char *desc = in->description ? in->description : exists ? old.description : "";
    json_t *d = dir_detail_new(c);
    bool changed = !exists;
    changed |= dir_detail_str(d, "name", exists ? old.name : NULL, name);
    changed |= dir_detail_str(d, "nameEn", exists ? old.name_en : NULL, name_en);
    changed |= dir_detail_str(d, "description", exists ? old.description : NULL, desc);
    res->detail = dir_detail_done(c, d);
    res->id = exists ? old.id : 0;
    int rc = DB_OK;
    if (!exists) {
        struct db_param p[] = { DBP_TEXT(in->code), DBP_TEXT(name), DBP_TEXT(name_en),
                                DBP_TEXT(desc), DBP_INT(c->now) };
        bool found;
        rc = db_query_int(c->db, DIR_SQL_GROUP_INSERT, p, 5, &res->id, &found);
        if (rc == DB_CONSTRAINT) {
            fail_field(c->fail, "code", MSG_DUPLICATE, NULL);
            return ERR_INVALID;
        }
    } else if (changed) {
        struct db_param p[] = { DBP_INT(old.id), DBP_TEXT(name), DBP_TEXT(name_en),
                                DBP_TEXT(desc) };
        rc = db_exec(c->db, DIR_SQL_GROUP_UPDATE, p, 4, NULL);
    }
    if (rc != DB_OK)
        return dir_db_fail(c, rc);
    res->action = !exists ? DIR_CREATED : changed ? DIR_UPDATED : DIR_UNCHANGED;
    return ERR_OK;
}

enum err
dir_group_delete(struct ctx *c, const char *code, struct dir_result *res)
{
    struct dir_group g;
    memset(res, 0, sizeof(*res));
    enum err e = dir_group_get(c, code, &g);
    if (e != ERR_OK)
        return e;
    int64_t members = 0;
    if ((e = dir_count(c, DIR_SQL_GROUP_MEMBERS, g.id, &members)) != ERR_OK)
        return e;
    /* Permission entries name groups by code: a group that still has members is most likely
     * still used, and a later group with the same code would inherit its entries. */
    if (members) {
        dir_field(c, "code",
                  arena_printf(c->arena, "所属ユーザーが%lld人いるため削除できません。先に所属を"
                               "外してください。", (long long)members),
                  arena_printf(c->arena, "The group has %lld member(s): remove them first.",
                               (long long)members));
        return ERR_INVALID;
    }
    struct db_param p[] = { DBP_INT(g.id) };
    int rc = db_exec(c->db, DIR_SQL_GROUP_DELETE, p, 1, NULL);
    if (rc != DB_OK)
        return dir_db_fail(c, rc);
    json_t *d = dir_detail_new(c);
    json_object_set_new(d, "name", json_string(g.name));
    res->detail = dir_detail_done(c, d);
    res->id = g.id;
    res->action = DIR_UPDATED;
    return ERR_OK;
}

enum err
dir_group_member(struct ctx *c, const char *group, const char *user, bool add,
                 struct dir_result *res)
{
    struct dir_group g;
    int64_t uid = 0, one = 0;
    bool found = false;
    memset(res, 0, sizeof(*res));
    enum err e = dir_group_get(c, group, &g);
    if (e != ERR_OK)
        return e;
    if ((e = dir_id_of(c, DIR_SQL_USER_ID, user, &uid)) != ERR_OK)
        return e;
    if (!uid)
        return dir_not_found(c, "ユーザー", "user");
    struct db_param p[] = { DBP_INT(g.id), DBP_INT(uid) };
    int rc = db_query_int(c->db, DIR_SQL_GROUP_MEMBER_EXISTS, p, 2, &one, &found);
    if (rc != DB_OK)
        return dir_db_fail(c, rc);
    json_t *d = dir_detail_new(c);
    json_object_set_new(d, "user", json_string(user));
    res->detail = dir_detail_done(c, d);
    res->id = g.id;
    if (found == add)
        return ERR_OK; /* DIR_UNCHANGED */
    rc = db_exec(c->db, add ? DIR_SQL_GROUP_MEMBER_ADD : DIR_SQL_GROUP_MEMBER_REMOVE, p, 2, NULL);
    if (rc == DB_OK) {
        struct db_param pt[] = { DBP_INT(uid), DBP_INT(c->now) };
        rc = db_exec(c->db, DIR_SQL_USER_TOUCH, pt, 2, NULL);
    }
    if (rc != DB_OK)
        return dir_db_fail(c, rc);
    res->action = DIR_UPDATED;
    return ERR_OK;
}
