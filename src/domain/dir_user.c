/* Directory users: the one write path (dir_user_save) for the admin API, the CLI and CSV
 * import, reads, and the administrator's account actions (unlock, MFA reset, passwords). */
#include "domain/dir_int.h"

#include "core/arena.h"
#include "db/db.h"
#include "domain/auth.h"
#include "domain/dir_sql.h"
#include "sec/sec.h"

#include <string.h>

/* id + code pairs: a membership set in the order it was given. */
struct refs {
    int64_t *ids;
    const char **codes;
    size_t n;
};

static int64_t
user_id_of(const void *p)
{
    return ((const struct dir_user *)p)->id;
}

enum err
dir_user_get(struct ctx *c, const char *code, struct dir_user *out)
{
    bool found = false;
    enum err e =
        dir_load_one(c, DIR_SQL_USER_BY_CODE, DBP_TEXT(code ? code : ""),
                     dir_read_user, out, &found);
    if (e == ERR_OK && !found)
        return dir_not_found(c, "ユーザー", "user");
    return e;
}

enum err
dir_users_list(struct ctx *c, const struct dir_query *q, struct dir_user **out, size_t *n)
{
    void *items = NULL;
    enum err e;
    if (q->nkeys) {
        e = dir_list_keys(c, q, DIR_SQL_USER_BY_ID, DIR_SQL_USER_BY_CODE, sizeof(struct dir_user),
                          dir_read_user, user_id_of, &items, n);
    } else if (q->org || q->group) {
        int64_t id = 0;
        e = dir_id_of(c, q->org ? DIR_SQL_ORG_ID : DIR_SQL_GROUP_ID, q->org ? q->org : q->group,
                      &id);
        if (e != ERR_OK)
            return e;
        if (!id)
            return q->org ? dir_not_found(c, "組織", "organization")
                          : dir_not_found(c, "グループ", "group");
        e = dir_list(c, q->org ? DIR_SQL_USERS_IN_ORG : DIR_SQL_USERS_IN_GROUP, q->limit,
                     q->offset, &id, sizeof(struct dir_user), dir_read_user, &items, n);
    } else {
        e = dir_list(c, DIR_SQL_USERS_ALL, q->limit, q->offset, NULL, sizeof(struct dir_user),
                     dir_read_user, &items, n);
    }
    *out = items;
    return e;
}

enum err
dir_user_orgs(struct ctx *c, int64_t user_id, struct dir_org **out, size_t *n)
{
    void *items = NULL;
    enum err e = dir_rows(c, DIR_SQL_ORGS_OF_USER, user_id, sizeof(struct dir_org), dir_read_org,
                          &items, n);
    *out = items;
    return e;
}

enum err
dir_user_groups(struct ctx *c, int64_t user_id, struct dir_group **out, size_t *n)
{
    void *items = NULL;
    enum err e = dir_rows(c, DIR_SQL_GROUPS_OF_USER, user_id, sizeof(struct dir_group),
                          dir_read_group, &items, n);
    *out = items;
    return e;
}

/* 56 characters: no 0/O/o, 1/l/I. */
static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

void
dir_password_generate(char out[DIR_TEMP_PASSWORD_LEN + 1])
{
    const unsigned n = sizeof(alphabet) - 1, limit = 256 - 256 % n;
    for (;;) {
        unsigned char buf[64];
        size_t got = 0;
        sec_random(buf, sizeof(buf));
        for (size_t i = 0; i < sizeof(buf) && got < DIR_TEMP_PASSWORD_LEN; i++)
            if (buf[i] < limit) /* rejection sampling: no modulo bias */
                out[got++] = alphabet[buf[i] % n];
        sec_wipe(buf, sizeof(buf));
        if (got < DIR_TEMP_PASSWORD_LEN)
            continue;
        out[got] = '\0';
        bool lower = false, upper = false, digit = false;
        for (size_t i = 0; i < got; i++) {
            lower |= out[i] >= 'a' && out[i] <= 'z';
            upper |= out[i] >= 'A' && out[i] <= 'Z';
            digit |= out[i] >= '0' && out[i] <= '9';
        }
        if (lower && upper && digit)
            return;
    }
}

static bool
refs_has(const struct refs *r, int64_t id)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->ids[i] == id)
            return true;
    return false;
}

static void
refs_add(struct ctx *c, struct refs *r, int64_t id, const char *code)
{
    int64_t *ids = arena_alloc(c->arena, (r->n + 1) * sizeof(int64_t));
    const char **codes = arena_alloc(c->arena, (r->n + 1) * sizeof(char *));
    if (r->n) {
        memcpy(ids, r->ids, r->n * sizeof(int64_t));
        memcpy(codes, r->codes, r->n * sizeof(char *));
    }
    ids[r->n] = id;
    codes[r->n] = code;
    r->ids = ids;
    r->codes = codes;
    r->n++;
}

static bool
refs_same_set(const struct refs *a, const struct refs *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (!refs_has(b, a->ids[i]))
            return false;
    return true;
}

static json_t *
refs_json(const struct refs *r)
{
    json_t *a = json_array();
    for (size_t i = 0; i < r->n; i++)
        json_array_append_new(a, json_string(r->codes[i]));
    return a;
}

/* Resolves codes (duplicates dropped) with field errors "key[i]" for unknown ones. */
static bool
resolve(struct ctx *c, const char *key, bool groups, const char *const *codes, size_t n,
        struct refs *out)
{
    bool ok = true;
    memset(out, 0, sizeof(*out));
    if (n > DIR_LIST_MAX) {
        fail_field(c->fail, key, MSG_MAX_ITEMS, "100");
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const char *k = arena_printf(c->arena, "%s[%zu]", key, i);
        int64_t id = 0;
        if (!codes[i] || !*codes[i]) {
            fail_field(c->fail, k, MSG_REQUIRED, NULL);
            ok = false;
            continue;
        }
        if (groups && dir_group_code_reserved(codes[i])) {
            dir_field(c, k, "「everyone」「Administrators」はkintoneの仮想グループのため指定できません。",
                      "\"everyone\" and \"Administrators\" are kintone's virtual groups and "
                      "cannot be assigned.");
            ok = false;
            continue;
        }
        if (dir_id_of(c, groups ? DIR_SQL_GROUP_ID : DIR_SQL_ORG_ID, codes[i], &id) != ERR_OK)
            return false;
        if (!id) {
            fail_field(c->fail, k, MSG_BAD_ENTITY, codes[i]);
            ok = false;
        } else if (!refs_has(out, id)) {
            refs_add(c, out, id, codes[i]);
        }
    }
    return ok;
}

static enum err
current_refs(struct ctx *c, int64_t user_id, struct refs *orgs, struct refs *groups)
{
    struct dir_org *o;
    struct dir_group *g;
    size_t no, ng;
    memset(orgs, 0, sizeof(*orgs));
    memset(groups, 0, sizeof(*groups));
    enum err e = dir_user_orgs(c, user_id, &o, &no);
    if (e == ERR_OK)
        e = dir_user_groups(c, user_id, &g, &ng);
    if (e != ERR_OK)
        return e;
    for (size_t i = 0; i < no; i++)
        refs_add(c, orgs, o[i].id, o[i].code);
    for (size_t i = 0; i < ng; i++)
        refs_add(c, groups, g[i].id, g[i].code);
    return ERR_OK;
}

static enum err
write_refs(struct ctx *c, int64_t user_id, const struct refs *r, const char *clear,
           const char *add)
{
    struct db_param pu[] = { DBP_INT(user_id) };
    int rc = db_exec(c->db, clear, pu, 1, NULL);
    for (size_t i = 0; rc == DB_OK && i < r->n; i++) {
        struct db_param p[] = { DBP_INT(r->ids[i]), DBP_INT(user_id) };
        rc = db_exec(c->db, add, p, 2, NULL);
    }
    return rc == DB_OK ? ERR_OK : dir_db_fail(c, rc);
}

static bool
validate_in(struct ctx *c, const struct dir_user_in *in)
{
    bool ok = dir_check_code(c, "code", in->code);
    if (in->name)
        ok &= dir_check_text(c, "name", in->name, true, DIR_NAME_MAX, false);
    if (in->name_en)
        ok &= dir_check_text(c, "nameEn", in->name_en, false, DIR_NAME_MAX, false);
    if (in->email)
        ok &= dir_check_email(c, "email", in->email);
    if (in->set_sort)
        ok &= dir_check_sort(c, "sortOrder", in->sort_order);
    return ok;
}

/* Sets a temporary password (given or generated) on a new or existing user. */
static enum err
set_temp_password(struct ctx *c, int64_t id, const char *given, json_t *d, struct dir_result *res)
{
    char gen[DIR_TEMP_PASSWORD_LEN + 1];
    const char *pw = given;
    if (!pw) {
        dir_password_generate(gen);
        pw = gen;
    }
    enum err e = auth_password_set(c, id, pw, true, 0);
    if (e == ERR_OK && !given)
        res->password = arena_strdup(c->arena, gen);
    sec_wipe(gen, sizeof(gen));
    if (e == ERR_OK)
        json_object_set_new(d, "password", json_string(given ? "set" : "generated"));
    return e;
}

enum err
dir_user_save(struct ctx *c, const struct dir_user_in *in, enum dir_mode mode,
              struct dir_result *res)
{
    memset(res, 0, sizeof(*res));
    if (!validate_in(c, in))
        return ERR_INVALID;
    struct dir_user old;
    bool exists = false;
    enum err e = dir_load_one(c, DIR_SQL_USER_BY_CODE, DBP_TEXT(in->code),
                              dir_read_user, &old, &exists);
    if (e != ERR_OK)
        return e;
    if (mode == DIR_CREATE && exists) {
        fail_field(c->fail, "code", MSG_DUPLICATE, NULL);
        return ERR_INVALID;
    }
    if (mode == DIR_UPDATE && !exists)
        return dir_not_found(c, "ユーザー", "user");
    bool ok = true;
    if (!exists && !in->name) {
        fail_field(c->fail, "name", MSG_REQUIRED, NULL);
        ok = false;
    }
    /* an administrator cannot lock themselves out through the directory */
    if (exists && c->who.kind == PRIN_USER && c->who.user_id == old.id) {
        if (in->disabled == 1) {
            dir_field(c, "disabled", "自分自身を無効にすることはできません。",
                      "You cannot disable your own account.");
            ok = false;
        }
        if (in->admin == 0 && old.is_admin) {
            dir_field(c, "admin", "自分自身のシステム管理者権限は外せません。",
                      "You cannot remove your own administrator rights.");
            ok = false;
        }
    }
    struct refs given_orgs = { 0 }, given_groups = { 0 }, cur_orgs = { 0 }, cur_groups = { 0 };
    if (in->set_orgs)
        ok &= resolve(c, "orgs", false, in->orgs, in->norgs, &given_orgs);
    if (in->set_groups)
        ok &= resolve(c, "groups", true, in->groups, in->ngroups, &given_groups);
    int64_t primary_req = -1; /* keep */
    if (in->primary_org && *in->primary_org) {
        if ((e = dir_id_of(c, DIR_SQL_ORG_ID, in->primary_org, &primary_req)) != ERR_OK)
            return e;
        if (!primary_req) {
            fail_field(c->fail, "primaryOrg", MSG_BAD_ENTITY, in->primary_org);
            ok = false;
        }
    } else if (in->primary_org) {
        primary_req = 0;
    }
    if (!ok || c->fail->code != ERR_OK)
        return c->fail->code != ERR_OK ? c->fail->code : ERR_INVALID;
    if (exists && (e = current_refs(c, old.id, &cur_orgs, &cur_groups)) != ERR_OK)
        return e;

    /* the primary organisation is always one of the user's organisations */
    struct refs orgs = in->set_orgs ? given_orgs : cur_orgs;
    struct refs groups = in->set_groups ? given_groups : cur_groups;
    if (primary_req > 0 && !refs_has(&orgs, primary_req)) {
        struct refs grown = { 0 };
        for (size_t i = 0; i < orgs.n; i++)
            refs_add(c, &grown, orgs.ids[i], orgs.codes[i]);
        refs_add(c, &grown, primary_req, in->primary_org);
        orgs = grown;
    }
    int64_t primary = primary_req >= 0 ? primary_req : exists ? old.primary_org_id : 0;
    if (!primary || !refs_has(&orgs, primary))
        primary = orgs.n ? orgs.ids[0] : 0;
    const char *primary_code = NULL;
    for (size_t i = 0; i < orgs.n; i++)
        if (orgs.ids[i] == primary)
            primary_code = orgs.codes[i];

    const char *name = in->name ? in->name : exists ? old.name : "";
    const char *name_en = in->name_en ? in->name_en : exists ? old.name_en : "";
    const char *email = in->email ? in->email : exists ? old.email : "";
    bool admin = in->admin >= 0 ? in->admin == 1 : exists && old.is_admin;
    bool service = in->service >= 0 ? in->service == 1 : exists && old.is_service;
    bool disabled = in->disabled >= 0 ? in->disabled == 1 : exists && old.disabled;
    int64_t sort = in->set_sort ? in->sort_order : exists ? old.sort_order : 0;

    json_t *d = dir_detail_new(c);
    bool orgs_changed = !refs_same_set(&orgs, &cur_orgs);
    bool groups_changed = !refs_same_set(&groups, &cur_groups);
    bool changed = !exists;
    changed |= dir_detail_str(d, "name", exists ? old.name : NULL, name);
    changed |= dir_detail_str(d, "nameEn", exists ? old.name_en : NULL, name_en);
    changed |= dir_detail_str(d, "email", exists ? old.email : NULL, email);
    changed |= dir_detail_str(d, "primaryOrg", exists ? old.primary_org : NULL, primary_code);
    changed |= dir_detail_bool(d, "admin", exists && old.is_admin, admin);
    changed |= dir_detail_bool(d, "service", exists && old.is_service, service);
    changed |= dir_detail_bool(d, "disabled", exists && old.disabled, disabled);
    changed |= dir_detail_int(d, "sortOrder", exists ? old.sort_order : 0, sort);
    if (orgs_changed)
        json_object_set_new(d, "orgs", refs_json(&orgs));
    if (groups_changed)
        json_object_set_new(d, "groups", refs_json(&groups));
    changed |= orgs_changed || groups_changed;

    struct db_param p[] = { exists ? DBP_INT(old.id) : DBP_TEXT(in->code),
                            DBP_TEXT(name),
                            DBP_TEXT(name_en),
                            DBP_TEXT(email),
                            primary ? DBP_INT(primary) : DBP_NULL,
                            DBP_INT(admin),
                            DBP_INT(service),
                            DBP_INT(disabled),
                            DBP_INT(sort),
                            DBP_INT(c->now) };
    int rc = DB_OK;
    res->id = exists ? old.id : 0;
    if (!exists) {
        bool found;
        rc = db_query_int(c->db, DIR_SQL_USER_INSERT, p, 10, &res->id, &found);
        if (rc == DB_CONSTRAINT) {
            fail_field(c->fail, "code", MSG_DUPLICATE, NULL);
            return ERR_INVALID;
        }
    } else if (changed) {
        rc = db_exec(c->db, DIR_SQL_USER_UPDATE, p, 10, NULL);
    }
    if (rc != DB_OK)
        return dir_db_fail(c, rc);
    if (orgs_changed &&
        (e = write_refs(c, res->id, &orgs, DIR_SQL_ORG_MEMBERS_CLEAR, DIR_SQL_ORG_MEMBER_ADD)) !=
            ERR_OK)
        return e;
    if (groups_changed && (e = write_refs(c, res->id, &groups, DIR_SQL_GROUP_MEMBERS_CLEAR,
                                          DIR_SQL_GROUP_MEMBER_ADD)) != ERR_OK)
        return e;
    if (exists && disabled && !old.disabled) {
        struct db_param ps[] = { DBP_INT(old.id), DBP_INT(c->now) };
        if ((rc = db_exec(c->db, DIR_SQL_SESSIONS_REVOKE, ps, 2, NULL)) != DB_OK)
            return dir_db_fail(c, rc);
    }
    if (!in->no_password && (!exists || in->password)) {
        if ((e = set_temp_password(c, res->id, in->password, d, res)) != ERR_OK)
            return e;
        changed = true;
    }
    res->action = !exists ? DIR_CREATED : changed ? DIR_UPDATED : DIR_UNCHANGED;
    res->detail = dir_detail_done(c, d);
    return ERR_OK;
}

enum err
dir_user_unlock(struct ctx *c, const char *code, struct dir_result *res)
{
    struct dir_user u;
    memset(res, 0, sizeof(*res));
    enum err e = dir_user_get(c, code, &u);
    if (e != ERR_OK)
        return e;
    res->id = u.id;
    json_t *d = dir_detail_new(c);
    json_object_set_new(d, "failedLogins", json_integer(u.failed_logins));
    json_object_set_new(d, "lockedUntil", json_integer(u.locked_until));
    res->detail = dir_detail_done(c, d);
    if (!u.failed_logins && !u.locked_until)
        return ERR_OK; /* DIR_UNCHANGED */
    struct db_param p[] = { DBP_INT(u.id), DBP_INT(c->now) };
    int rc = db_exec(c->db, DIR_SQL_USER_UNLOCK, p, 2, NULL);
    if (rc != DB_OK)
        return dir_db_fail(c, rc);
    res->action = DIR_UPDATED;
    return ERR_OK;
}

enum err
dir_user_reset_mfa(struct ctx *c, const char *code, struct dir_result *res)
{
    struct dir_user u;
    memset(res, 0, sizeof(*res));
    enum err e = dir_user_get(c, code, &u);
    if (e != ERR_OK)
        return e;
    res->id = u.id;
    int64_t codes = 0;
    if ((e = dir_count(c, DIR_SQL_RECOVERY_COUNT, u.id, &codes)) != ERR_OK)
        return e;
    struct db_param p[] = { DBP_INT(u.id), DBP_INT(c->now) };
    int rc = db_exec(c->db, DIR_SQL_USER_RESET_TOTP, p, 2, NULL);
    if (rc == DB_OK)
        rc = db_exec(c->db, DIR_SQL_RECOVERY_DELETE, p, 1, NULL);
    if (rc != DB_OK)
        return dir_db_fail(c, rc);
    json_t *d = dir_detail_new(c);
    json_object_set_new(d, "totpEnabled", json_boolean(u.totp_enabled));
    json_object_set_new(d, "recoveryCodes", json_integer(codes));
    res->detail = dir_detail_done(c, d);
    /* a pending enrolment (secret, not yet confirmed) is cleared too, but counts as nothing */
    res->action = u.totp_enabled || codes ? DIR_UPDATED : DIR_UNCHANGED;
    return ERR_OK;
}

enum err
dir_user_password(struct ctx *c, const char *code, const char *password, bool temporary,
                  struct dir_result *res)
{
    struct dir_user u;
    memset(res, 0, sizeof(*res));
    enum err e = dir_user_get(c, code, &u);
    if (e != ERR_OK)
        return e;
    res->id = u.id;
    json_t *d = dir_detail_new(c);
    if (!password) {
        e = set_temp_password(c, u.id, NULL, d, res);
    } else {
        e = auth_password_set(c, u.id, password, temporary, 0);
        json_object_set_new(d, "password", json_string("set"));
    }
    if (e != ERR_OK)
        return e;
    json_object_set_new(d, "temporary", json_boolean(!password || temporary));
    res->detail = dir_detail_done(c, d);
    res->action = DIR_UPDATED;
    return ERR_OK;
}
