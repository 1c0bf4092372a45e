/* Directory helpers shared by users, organisations, groups and import; see dir_int.h. */
#include "domain/dir_int.h"

#include "core/arena.h"
#include "core/text.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum err
dir_db_fail(struct ctx *c, int rc)
{
    return fail_set(c->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
}

const char *
dir_tr(struct ctx *c, const char *ja, const char *en)
{
    return c->fail->lang == LANG_EN ? en : ja;
}

void
dir_field(struct ctx *c, const char *key, const char *ja, const char *en)
{
    fail_field(c->fail, key, MSG_TEXT, dir_tr(c, ja, en));
}

enum err
dir_not_found(struct ctx *c, const char *what_ja, const char *what_en)
{
    return fail_set(c->fail, ERR_NOT_FOUND, dir_tr(c, what_ja, what_en));
}

/* Next code point of s (valid UTF-8 assumed), advancing *p. */
static unsigned
next_cp(const unsigned char **p)
{
    const unsigned char *s = *p;
    unsigned c = s[0];
    int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    unsigned cp = n == 1 ? c : c & (0x3F >> (n - 1));
    for (int i = 1; i < n; i++)
        cp = (cp << 6) | (s[i] & 0x3F);
    *p = s + n;
    return cp;
}

static bool
is_control(unsigned cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0x2028 || cp == 0x2029;
}

static bool
is_space(unsigned cp)
{
    return cp == ' ' || cp == 0xA0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200B) ||
           cp == 0xFEFF;
}

bool
dir_check_code(struct ctx *c, const char *key, const char *s)
{
    if (!s || !*s) {
        fail_field(c->fail, key, MSG_REQUIRED, NULL);
        return false;
    }
    size_t n = strlen(s);
    if (!text_valid_utf8(s, n)) {
        fail_field(c->fail, key, MSG_BAD_PARAM, NULL);
        return false;
    }
    if (text_length(s, n) > DIR_CODE_MAX) {
        fail_field(c->fail, key, MSG_TOO_LONG, "129");
        return false;
    }
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned cp = next_cp(&p);
        if (is_control(cp) || is_space(cp) || cp == ',' || cp == ';') {
            dir_field(c, key,
                      "コードに空白・制御文字・「,」「;」は使えません。",
                      "Codes cannot contain spaces, control characters, ',' or ';'.");
            return false;
        }
    }
    return true;
}

bool
dir_check_text(struct ctx *c, const char *key, const char *s, bool required, size_t max,
               bool multiline)
{
    if (!s || text_blank(s)) {
        if (required) {
            fail_field(c->fail, key, MSG_REQUIRED, NULL);
            return false;
        }
        if (!s)
            return true;
    }
    size_t n = strlen(s);
    if (!text_valid_utf8(s, n)) {
        fail_field(c->fail, key, MSG_BAD_PARAM, NULL);
        return false;
    }
    if (text_length(s, n) > max) {
        char buf[24];
        snprintf(buf, sizeof(buf), "%zu", max + 1);
        fail_field(c->fail, key, MSG_TOO_LONG, arena_strdup(c->arena, buf));
        return false;
    }
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned cp = next_cp(&p);
        if (is_control(cp) && !(multiline && (cp == '\n' || cp == '\t'))) {
            dir_field(c, key, "制御文字（改行など）は使えません。",
                      "Control characters (such as line breaks) are not allowed.");
            return false;
        }
    }
    return true;
}

bool
dir_check_email(struct ctx *c, const char *key, const char *s)
{
    if (!s || !*s)
        return true;
    const char *at = strchr(s, '@');
    size_t n = strlen(s);
    bool ok = at && at != s && at[1] && !strchr(at + 1, '@') && strchr(at + 1, '.') &&
              n <= 256 && text_valid_utf8(s, n);
    for (const char *p = s; ok && *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7F || *p == ',' || *p == ';' || *p == '"')
            ok = false;
    if (!ok)
        dir_field(c, key, "メールアドレスの形式が正しくありません。",
                  "The e-mail address is invalid.");
    return ok;
}

bool
dir_check_sort(struct ctx *c, const char *key, int64_t v)
{
    if (v < 0 || v > 2147483647) {
        fail_field(c->fail, key, MSG_TOO_BIG, "2147483647");
        return false;
    }
    return true;
}

enum err
dir_id_of(struct ctx *c, const char *sql, const char *code, int64_t *id)
{
    bool found = false;
    struct db_param p[] = { DBP_TEXT(code) };
    *id = 0;
    int rc = db_query_int(c->db, sql, p, 1, id, &found);
    if (rc != DB_OK)
        return dir_db_fail(c, rc);
    if (!found)
        *id = 0;
    return ERR_OK;
}

enum err
dir_ids(struct ctx *c, const char *sql, int64_t param, int64_t **out, size_t *n)
{
    struct db_param p[] = { DBP_INT(param) };
    struct db_res *res = NULL;
    *out = NULL;
    *n = 0;
    int rc = db_query(c->db, sql, p, 1, &res);
    if (rc != DB_OK)
        return dir_db_fail(c, rc);
    size_t cap = 0;
    while ((rc = db_step(res)) == 1) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            int64_t *grown = arena_alloc(c->arena, cap * sizeof(int64_t));
            if (*n)
                memcpy(grown, *out, *n * sizeof(int64_t));
            *out = grown;
        }
        (*out)[(*n)++] = db_col_int(res, 0);
    }
    db_res_free(res);
    return rc < 0 ? dir_db_fail(c, rc) : ERR_OK;
}

enum err
dir_count(struct ctx *c, const char *sql, int64_t param, int64_t *out)
{
    bool found;
    struct db_param p[] = { DBP_INT(param) };
    int rc = db_query_int(c->db, sql, p, 1, out, &found);
    if (rc != DB_OK)
        return dir_db_fail(c, rc);
    if (!found)
        *out = 0;
    return ERR_OK;
}

static const char *
col_str(struct ctx *c, struct db_res *res, int col)
{
    return arena_strdup(c->arena, db_col_text(res, col));
}

void
dir_read_user(struct ctx *c, struct db_res *res, void *out)
{
    struct dir_user *u = out;
    memset(u, 0, sizeof(*u));
    u->id = db_col_int(res, 0);
    u->code = col_str(c, res, 1);
    u->name = col_str(c, res, 2);
    u->name_en = col_str(c, res, 3);
    u->email = col_str(c, res, 4);
    u->primary_org_id = db_col_int(res, 5);
    u->primary_org = db_col_null(res, 6) ? NULL : col_str(c, res, 6);
    u->is_admin = db_col_int(res, 7) != 0;
    u->is_service = db_col_int(res, 8) != 0;
    u->disabled = db_col_int(res, 9) != 0;
    u->sort_order = db_col_int(res, 10);
    u->created_at = db_col_int(res, 11);
    u->updated_at = db_col_int(res, 12);
    u->must_change_password = db_col_int(res, 13) != 0;
    u->totp_enabled = db_col_int(res, 14) != 0;
    u->failed_logins = db_col_int(res, 15);
    u->locked_until = db_col_int(res, 16);
    u->last_login_at = db_col_int(res, 17);
    u->last_login_ip = db_col_null(res, 18) ? NULL : col_str(c, res, 18);
    u->has_password = db_col_int(res, 19) != 0;
}

void
dir_read_org(struct ctx *c, struct db_res *res, void *out)
{
    struct dir_org *o = out;
    memset(o, 0, sizeof(*o));
    o->id = db_col_int(res, 0);
    o->code = col_str(c, res, 1);
    o->name = col_str(c, res, 2);
    o->name_en = col_str(c, res, 3);
    o->parent_id = db_col_int(res, 4);
    o->parent = db_col_null(res, 5) ? NULL : col_str(c, res, 5);
    o->sort_order = db_col_int(res, 6);
}

void
dir_read_group(struct ctx *c, struct db_res *res, void *out)
{
    struct dir_group *g = out;
    memset(g, 0, sizeof(*g));
    g->id = db_col_int(res, 0);
    g->code = col_str(c, res, 1);
    g->name = col_str(c, res, 2);
    g->name_en = col_str(c, res, 3);
    g->description = col_str(c, res, 4);
}

/* Appends one row read by read to the growing array (*out, *n, *cap). */
static void
grow_read(struct ctx *c, struct db_res *res, size_t elem,
          void (*read)(struct ctx *, struct db_res *, void *), void **out, size_t *n, size_t *cap)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        void *grown = arena_alloc(c->arena, *cap * elem);
        if (*n)
            memcpy(grown, *out, *n * elem);
        *out = grown;
    }
    read(c, res, (char *)*out + *n * elem);
    (*n)++;
}

static enum err
rows(struct ctx *c, const char *sql, const struct db_param *p, int np, size_t elem,
     void (*read)(struct ctx *, struct db_res *, void *), void **out, size_t *n)
{
    struct db_res *res = NULL;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int rc = db_query(c->db, sql, p, np, &res);
    if (rc != DB_OK)
        return dir_db_fail(c, rc);
    while ((rc = db_step(res)) == 1)
        grow_read(c, res, elem, read, out, n, &cap);
    db_res_free(res);
    return rc < 0 ? dir_db_fail(c, rc) : ERR_OK;
}

enum err
dir_load_one(struct ctx *c, const char *sql, struct db_param p,
             void (*read)(struct ctx *, struct db_res *, void *), void *out, bool *found)
{
    struct db_res *res = NULL;
    int rc = db_query(c->db, sql, &p, 1, &res);
    if (rc != DB_OK)
        return dir_db_fail(c, rc);
    rc = db_step(res);
    *found = rc == 1;
    if (rc == 1)
        read(c, res, out);
    db_res_free(res);
    return rc < 0 ? dir_db_fail(c, rc) : ERR_OK;
}

enum err
dir_list(struct ctx *c, const char *sql, int64_t limit, int64_t offset, const int64_t *extra,
         size_t elem, void (*read)(struct ctx *, struct db_res *, void *), void **out, size_t *n)
{
    struct db_param p[] = { DBP_INT(limit > 0 ? limit : INT64_C(1) << 62),
                            DBP_INT(offset > 0 ? offset : 0), DBP_INT(extra ? *extra : 0) };
    return rows(c, sql, p, extra ? 3 : 2, elem, read, out, n);
}

enum err
dir_rows(struct ctx *c, const char *sql, int64_t param, size_t elem,
         void (*read)(struct ctx *, struct db_res *, void *), void **out, size_t *n)
{
    struct db_param p[] = { DBP_INT(param) };
    return rows(c, sql, p, 1, elem, read, out, n);
}

/* Insertion sort by id: at most DIR_LIST_MAX items, and qsort has no context argument. */
static void
sort_by_id(struct ctx *c, void *items, size_t n, size_t elem, int64_t (*id_of)(const void *))
{
    char *base = items, *tmp = arena_alloc(c->arena, elem);
    for (size_t i = 1; i < n; i++) {
        size_t j = i;
        memcpy(tmp, base + i * elem, elem);
        while (j > 0 && id_of(base + (j - 1) * elem) > id_of(tmp)) {
            memcpy(base + j * elem, base + (j - 1) * elem, elem);
            j--;
        }
        memcpy(base + j * elem, tmp, elem);
    }
}

enum err
dir_list_keys(struct ctx *c, const struct dir_query *q, const char *sql_by_id,
              const char *sql_by_code, size_t elem,
              void (*read)(struct ctx *, struct db_res *, void *), int64_t (*id_of)(const void *),
              void **out, size_t *n)
{
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    for (size_t i = 0; i < q->nkeys; i++) {
        struct db_param p = q->ids ? DBP_INT(q->ids[i]) : DBP_TEXT(q->codes[i]);
        struct db_res *res = NULL;
        int rc = db_query(c->db, q->ids ? sql_by_id : sql_by_code, &p, 1, &res);
        if (rc != DB_OK)
            return dir_db_fail(c, rc);
        rc = db_step(res);
        if (rc == 1) {
            bool dup = false;
            int64_t id = db_col_int(res, 0);
            for (size_t k = 0; k < *n && !dup; k++)
                dup = id_of((char *)*out + k * elem) == id;
            if (!dup)
                grow_read(c, res, elem, read, out, n, &cap);
        }
        db_res_free(res);
        if (rc < 0)
            return dir_db_fail(c, rc);
    }
    sort_by_id(c, *out, *n, elem, id_of);
    size_t off = q->offset > 0 ? (size_t)q->offset : 0;
    if (off >= *n) {
        *n = 0;
    } else {
        *out = (char *)*out + off * elem;
        *n -= off;
    }
    if (q->limit > 0 && *n > (size_t)q->limit)
        *n = (size_t)q->limit;
    return ERR_OK;
}

static void
decref(void *p)
{
    json_decref(p);
}

json_t *
dir_detail_new(struct ctx *c)
{
    json_t *d = json_object();
    arena_defer(c->arena, decref, d);
    return d;
}

const char *
dir_detail_done(struct ctx *c, json_t *d)
{
    char *s = json_dumps(d, JSON_COMPACT);
    const char *out = arena_strdup(c->arena, s ? s : "{}");
    free(s);
    return out;
}

bool
dir_detail_str(json_t *d, const char *key, const char *old, const char *nu)
{
    if (strcmp(old ? old : "", nu ? nu : "") == 0)
        return false;
    json_object_set_new(d, key, json_string(nu ? nu : ""));
    return true;
}

bool
dir_detail_int(json_t *d, const char *key, int64_t old, int64_t nu)
{
    if (old == nu)
        return false;
    json_object_set_new(d, key, json_integer(nu));
    return true;
}

bool
dir_detail_bool(json_t *d, const char *key, bool old, bool nu)
{
    if (old == nu)
        return false;
    json_object_set_new(d, key, json_boolean(nu));
    return true;
}
