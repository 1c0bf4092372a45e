/* Organisations: a tree by parent code. Cycles are refused when a parent is set; an
 * organisation with sub-organisations or members cannot be deleted. */
#include "domain/dir_int.h"

#include "core/arena.h"
#include "db/db.h"
#include "domain/dir_sql.h"

#include <string.h>

/* Deeper than any real ward organisation chart; also bounds the walk on a damaged tree. */
#define ORG_DEPTH_MAX 64

static int64_t
org_id_of(const void *p)
{
    return ((const struct dir_org *)p)->id;
}

enum err
dir_org_get(struct ctx *c, const char *code, struct dir_org *out)
{
    bool found = false;
    enum err e =
        dir_load_one(c, DIR_SQL_ORG_BY_CODE, DBP_TEXT(code ? code : ""),
                     dir_read_org, out, &found);
    if (e == ERR_OK && !found)
        return dir_not_found(c, "組織", "organization");
    return e;
}

enum err
dir_orgs_list(struct ctx *c, const struct dir_query *q, struct dir_org **out, size_t *n)
{
    void *items = NULL;
    enum err e = q->nkeys ? dir_list_keys(c, q, DIR_SQL_ORG_BY_ID, DIR_SQL_ORG_BY_CODE,
                                          sizeof(struct dir_org), dir_read_org, org_id_of, &items,
                                          n)
                          : dir_list(c, DIR_SQL_ORGS_ALL, q->limit, q->offset, NULL,
                                     sizeof(struct dir_org), dir_read_org, &items, n);
    *out = items;
    return e;
}

enum err
dir_org_check_parent(struct ctx *c, const char *key, int64_t id, int64_t parent_id)
{
    int64_t cur = parent_id;
    for (int depth = 0; cur; depth++) {
        if (cur == id) {
            dir_field(c, key, "親組織にその組織自身や下位の組織は指定できません（循環します）。",
                      "The parent cannot be the organization itself or one of its "
                      "sub-organizations (that would make a cycle).");
            return ERR_INVALID;
        }
        if (depth >= ORG_DEPTH_MAX) {
            dir_field(c, key, "組織の階層が深すぎます（64階層まで）。",
                      "The organization tree is too deep (64 levels at most).");
            return ERR_INVALID;
        }
        bool found = false;
        struct db_param p[] = { DBP_INT(cur) };
        int64_t next = 0;
        int rc = db_query_int(c->db, DIR_SQL_ORG_PARENT, p, 1, &next, &found);
        if (rc != DB_OK)
            return dir_db_fail(c, rc);
        cur = found ? next : 0;
    }
    return ERR_OK;
}

enum err
dir_org_set_parent(struct ctx *c, int64_t id, int64_t parent_id)
{
    struct db_param p[] = { DBP_INT(id), parent_id ? DBP_INT(parent_id) : DBP_NULL };
    int rc = db_exec(c->db, DIR_SQL_ORG_SET_PARENT, p, 2, NULL);
    return rc == DB_OK ? ERR_OK : dir_db_fail(c, rc);
}

bool
dir_org_validate(struct ctx *c, const struct dir_org_in *in)
{
    bool ok = dir_check_code(c, "code", in->code);
    if (in->name)
        ok &= dir_check_text(c, "name", in->name, true, DIR_NAME_MAX, false);
    if (in->name_en)
        ok &= dir_check_text(c, "nameEn", in->name_en, false, DIR_NAME_MAX, false);
    if (in->parent && *in->parent)
        ok &= dir_check_code(c, "parentCode", in->parent);
    if (in->set_sort)
        ok &= dir_check_sort(c, "sortOrder", in->sort_order);
    return ok;
}

enum err
dir_org_save(struct ctx *c, const struct dir_org_in *in, enum dir_mode mode,
             struct dir_result *res)
{
    memset(res, 0, sizeof(*res));
    if (!dir_org_validate(c, in))
        return ERR_INVALID;
    struct dir_org old;
    bool exists = false;
    enum err e =
        dir_load_one(c, DIR_SQL_ORG_BY_CODE, DBP_TEXT(in->code ? in->code : ""),
                     dir_read_org, &old, &exists);
    if (e != ERR_OK)
        return e;
    if (mode == DIR_CREATE && exists) {
        fail_field(c->fail, "code", MSG_DUPLICATE, NULL);
        return ERR_INVALID;
    }
    if (mode == DIR_UPDATE && !exists)
        return dir_not_found(c, "組織", "organization");
    if (!exists && !in->name) {
        fail_field(c->fail, "name", MSG_REQUIRED, NULL);
        return ERR_INVALID;
    }
    int64_t parent = exists ? old.parent_id : 0;
    const char *parent_code = exists ? old.parent : NULL;
    if (in->parent && *in->parent) {
        if ((e = dir_id_of(c, DIR_SQL_ORG_ID, in->parent, &parent)) != ERR_OK)
            return e;
        if (!parent) {
            fail_field(c->fail, "parentCode", MSG_BAD_ENTITY, in->parent);
            return ERR_INVALID;
        }
        parent_code = in->parent;
    } else if (in->parent) {
        parent = 0;
        parent_code = NULL;
    }
    if (exists && parent != old.parent_id &&
        (e = dir_org_check_parent(c, "parentCode", old.id, parent)) != ERR_OK)
        return e;

    const char *name = in->name ? in->name : exists ? old.name : "";
    const char *name_en = in->name_en ? in->name_en : exists ? old.name_en : "";
    int64_t sort = in->set_sort ? in->sort_order : exists ? old.sort_order : 0;
    json_t *d = dir_detail_new(c);
    bool changed = !exists;
    changed |= dir_detail_str(d, "name", exists ? old.name : NULL, name);
    changed |= dir_detail_str(d, "nameEn", exists ? old.name_en : NULL, name_en);
    changed |= dir_detail_str(d, "parentCode", exists ? old.parent : NULL, parent_code);
    changed |= dir_detail_int(d, "sortOrder", exists ? old.sort_order : 0, sort);
    res->detail = dir_detail_done(c, d);
    res->id = exists ? old.id : 0;
    int rc = DB_OK;
    if (!exists) {
        struct db_param p[] = { DBP_TEXT(in->code), DBP_TEXT(name),
                                DBP_TEXT(name_en), parent ? DBP_INT(parent) : DBP_NULL,
                                DBP_INT(sort),     DBP_INT(c->now) };
        bool found;
        rc = db_query_int(c->db, DIR_SQL_ORG_INSERT, p, 6, &res->id, &found);
        if (rc == DB_CONSTRAINT) {
            fail_field(c->fail, "code", MSG_DUPLICATE, NULL);
            return ERR_INVALID;
        }
    } else if (changed) {
        struct db_param p[] = { DBP_INT(old.id), DBP_TEXT(name), DBP_TEXT(name_en),
                                parent ? DBP_INT(parent) : DBP_NULL, DBP_INT(sort) };
        rc = db_exec(c->db, DIR_SQL_ORG_UPDATE, p, 5, NULL);
    }
    if (rc != DB_OK)
        return dir_db_fail(c, rc);
    res->action = !exists ? DIR_CREATED : changed ? DIR_UPDATED : DIR_UNCHANGED;
    return ERR_OK;
}

enum err
dir_org_delete(struct ctx *c, const char *code, struct dir_result *res)
{
    struct dir_org o;
    memset(res, 0, sizeof(*res));
    enum err e = dir_org_get(c, code, &o);
    if (e != ERR_OK)
        return e;
    int64_t children = 0, members = 0;
    if ((e = dir_count(c, DIR_SQL_ORG_CHILDREN, o.id, &children)) != ERR_OK ||
        (e = dir_count(c, DIR_SQL_ORG_MEMBERS, o.id, &members)) != ERR_OK)
        return e;
    if (children) {
        dir_field(c, "code",
                  arena_printf(c->arena, "下位組織が%lld件あるため削除できません。先に下位組織を"
                               "削除するか、別の組織の下へ移してください。", (long long)children),
                  arena_printf(c->arena, "The organization has %lld sub-organization(s): delete "
                               "or move them first.", (long long)children));
        return ERR_INVALID;
    }
    if (members) {
        dir_field(c, "code",
                  arena_printf(c->arena, "所属ユーザーが%lld人いるため削除できません。先に所属を"
                               "外してください。", (long long)members),
                  arena_printf(c->arena, "The organization has %lld member(s): remove them "
                               "first.", (long long)members));
        return ERR_INVALID;
    }
    struct db_param p[] = { DBP_INT(o.id) };
    int rc = db_exec(c->db, DIR_SQL_ORG_DELETE, p, 1, NULL);
    if (rc != DB_OK)
        return dir_db_fail(c, rc);
    json_t *d = dir_detail_new(c);
    json_object_set_new(d, "name", json_string(o.name));
    res->detail = dir_detail_done(c, d);
    res->id = o.id;
    res->action = DIR_UPDATED;
    return ERR_OK;
}
