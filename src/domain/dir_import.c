/* CSV import of the directory: one engine for the CLI and the admin API. The whole file is
 * applied in a savepoint (all rows or none); errors are collected per line (up to
 * MAX_ERRORS) under "lines[N].column"; a dry run does everything and then rolls back.
 * Rows upsert by code through the same *_save functions as single writes. */
#include "domain/dir_int.h"

#include "core/arena.h"
#include "core/csv.h"
#include "db/db.h"
#include "domain/dir_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_ERRORS 100
#define MAX_ROWS 100000

enum col {
    C_CODE, C_NAME, C_NAME_EN, C_EMAIL, C_PRIMARY_ORG, C_ORGS, C_GROUPS, C_ADMIN, C_SERVICE,
    C_DISABLED, C_PASSWORD, C_SORT, C_PARENT, C_DESCRIPTION, C_USER, C_ORG, C_GROUP, C_PRIMARY,
    C__COUNT
};

static const char *const col_names[C__COUNT] = {
    "code",     "name",     "name_en", "email", "primary_org", "orgs", "groups",
    "admin",    "service",  "disabled", "password", "sort", "parent", "description",
    "user",     "org",      "group",   "primary",
};

/* Columns each kind accepts; the first is required. */
static const enum col kind_cols[][13] = {
    [DIR_IMPORT_USERS] = { C_CODE, C_NAME, C_NAME_EN, C_EMAIL, C_PRIMARY_ORG, C_ORGS, C_GROUPS,
                           C_ADMIN, C_SERVICE, C_DISABLED, C_PASSWORD, C_SORT, C__COUNT },
    [DIR_IMPORT_ORGS] = { C_CODE, C_NAME, C_NAME_EN, C_PARENT, C_SORT, C__COUNT },
    [DIR_IMPORT_GROUPS] = { C_CODE, C_NAME, C_NAME_EN, C_DESCRIPTION, C__COUNT },
    [DIR_IMPORT_MEMBERSHIPS] = { C_USER, C_ORG, C_GROUP, C_PRIMARY, C__COUNT },
};

static const char *const kind_names[] = { "users", "orgs", "groups", "memberships" };

bool
dir_import_kind_parse(const char *s, enum dir_import_kind *out)
{
    for (int k = 0; k < 4; k++) {
        if (s && strcmp(s, kind_names[k]) == 0) {
            *out = (enum dir_import_kind)k;
            return true;
        }
    }
    return false;
}

const char *
dir_import_kind_name(enum dir_import_kind k)
{
    return kind_names[k];
}

struct row {
    int line;
    char **v; /* by column index of the header */
};

struct import {
    struct ctx *c;
    enum dir_import_kind kind;
    bool dry_run;
    int pos[C__COUNT]; /* header index of each column, -1 = absent */
    struct row *rows;
    size_t nrows;
    int nerrors;
    struct dir_import_report *rep;
    json_t *changed; /* codes created or updated, for the event trail */
};

static bool
has(const struct import *im, enum col col)
{
    return im->pos[col] >= 0;
}

static const char *
cell(const struct import *im, const struct row *r, enum col col)
{
    return im->pos[col] >= 0 ? r->v[im->pos[col]] : NULL;
}

static bool
too_many(struct import *im)
{
    return im->nerrors >= MAX_ERRORS;
}

/* A line error with our own message (both languages); col NULL = the line as a whole. */
static void
line_error(struct import *im, int line, const char *col, const char *ja, const char *en)
{
    im->nerrors++;
    const char *key = col ? arena_printf(im->c->arena, "lines[%d].%s", line, col)
                          : arena_printf(im->c->arena, "lines[%d]", line);
    dir_field(im->c, key, ja, en);
}

/* API keys of the domain's field errors → the CSV column names. */
static const char *
csv_column(enum dir_import_kind kind, const char *key)
{
    static const struct {
        const char *api, *csv;
    } common[] = { { "nameEn", "name_en" }, { "primaryOrg", "primary_org" },
                   { "sortOrder", "sort" }, { "parentCode", "parent" } },
      members[] = { { "code", "user" }, { "orgs", "org" }, { "groups", "group" },
                    { "primaryOrg", "org" } };
    if (kind == DIR_IMPORT_MEMBERSHIPS) {
        for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++)
            if (strcmp(key, members[i].api) == 0)
                return members[i].csv;
    }
    for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
        if (strcmp(key, common[i].api) == 0)
            return common[i].csv;
    return key;
}

/* Moves the errors of one row (collected in rf) to the import's errors. Returns the error
 * that must stop the import (database trouble), or ERR_OK to go on. */
static enum err
row_failed(struct import *im, int line, struct fail *rf, enum err e)
{
    if (e == ERR_INTERNAL || e == ERR_UNAVAILABLE)
        return fail_with_message(im->c->fail, e, rf->message);
    im->nerrors++;
    if (rf->errors && json_object_size(rf->errors)) {
        const char *key;
        json_t *val;
        json_object_foreach(rf->errors, key, val)
        {
            char base[64];
            snprintf(base, sizeof(base), "%.*s", (int)strcspn(key, "["), key);
            const char *k = arena_printf(im->c->arena, "lines[%d].%s", line,
                                         csv_column(im->kind, base));
            size_t i;
            json_t *m;
            json_array_foreach(json_object_get(val, "messages"), i, m)
            {
                fail_field(im->c->fail, k, MSG_TEXT, json_string_value(m));
            }
        }
    } else {
        fail_field(im->c->fail, arena_printf(im->c->arena, "lines[%d]", line), MSG_TEXT,
                   rf->message ? rf->message : err_template(e, rf->lang));
    }
    return ERR_OK;
}

/* A ctx whose errors go to rf, so one row's field errors can be renamed. */
static void
row_ctx(struct import *im, struct ctx *rc, struct fail *rf)
{
    *rc = *im->c;
    fail_init(rf, im->c->arena, im->c->fail->lang);
    rc->fail = rf;
}

static void
report(struct import *im, int line, const char *code, const struct dir_result *res)
{
    struct dir_import_report *rep = im->rep;
    struct dir_import_row *row = &rep->rows[rep->nrows++];
    row->line = line;
    row->code = code;
    row->action = res->action;
    row->password = res->password;
    if (res->action == DIR_CREATED)
        rep->created++;
    else if (res->action == DIR_UPDATED)
        rep->updated++;
    else
        rep->unchanged++;
    if (res->action != DIR_UNCHANGED && json_array_size(im->changed) < 1000)
        json_array_append_new(im->changed, json_string(code));
}

/* ---- cell parsers ---- */

static bool
parse_bool(struct import *im, const struct row *r, enum col col, int *out)
{
    const char *s = cell(im, r, col);
    *out = -1;
    if (!s)
        return true;
    if (!*s || !strcmp(s, "0") || !strcasecmp(s, "false") || !strcasecmp(s, "no")) {
        *out = 0;
        return true;
    }
    if (!strcmp(s, "1") || !strcasecmp(s, "true") || !strcasecmp(s, "yes")) {
        *out = 1;
        return true;
    }
    line_error(im, r->line, col_names[col], "1（はい）または0（いいえ）を指定してください。",
               "Use 1 (yes) or 0 (no).");
    return false;
}

static bool
parse_sort(struct import *im, const struct row *r, bool *set, int64_t *out)
{
    const char *s = cell(im, r, C_SORT);
    *set = s != NULL;
    *out = 0;
    if (!s || !*s)
        return true;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end || v < 0 || v > 2147483647) {
        line_error(im, r->line, "sort", "0以上の整数を指定してください。",
                   "Use a whole number of 0 or more.");
        return false;
    }
    *out = v;
    return true;
}

/* "a;b; c" → {"a","b","c"} (empty items dropped). */
static const char **
split_list(struct ctx *c, const char *s, size_t *n)
{
    size_t cap = 1;
    for (const char *p = s; *p; p++)
        cap += *p == ';';
    const char **out = arena_alloc(c->arena, cap * sizeof(char *));
    *n = 0;
    while (*s) {
        size_t len = strcspn(s, ";");
        const char *a = s, *b = s + len;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        if (b > a)
            out[(*n)++] = arena_strndup(c->arena, a, (size_t)(b - a));
        s += len;
        if (*s == ';')
            s++;
    }
    return out;
}

/* Duplicate codes in one file are a mistake, not an upsert. */
static bool
first_time(struct import *im, json_t *seen, const char *code, int line, const char *col)
{
    json_t *prev = json_object_get(seen, code);
    if (prev) {
        int at = (int)json_integer_value(prev);
        line_error(im, line, col, arena_printf(im->c->arena, "同じコードが%d行目にもあります。", at),
                   arena_printf(im->c->arena, "The same code is on line %d too.", at));
        return false;
    }
    json_object_set_new(seen, code, json_integer(line));
    return true;
}

/* ---- kinds ---- */

static enum err
import_users(struct import *im, json_t *seen)
{
    for (size_t i = 0; i < im->nrows && !too_many(im); i++) {
        const struct row *r = &im->rows[i];
        struct dir_user_in in = { .code = cell(im, r, C_CODE) };
        bool ok = first_time(im, seen, in.code, r->line, "code");
        ok &= parse_bool(im, r, C_ADMIN, &in.admin);
        ok &= parse_bool(im, r, C_SERVICE, &in.service);
        ok &= parse_bool(im, r, C_DISABLED, &in.disabled);
        ok &= parse_sort(im, r, &in.set_sort, &in.sort_order);
        if (!ok)
            continue;
        in.name = cell(im, r, C_NAME);
        in.name_en = cell(im, r, C_NAME_EN);
        in.email = cell(im, r, C_EMAIL);
        in.primary_org = cell(im, r, C_PRIMARY_ORG);
        if ((in.set_orgs = has(im, C_ORGS)))
            in.orgs = split_list(im->c, cell(im, r, C_ORGS), &in.norgs);
        if ((in.set_groups = has(im, C_GROUPS)))
            in.groups = split_list(im->c, cell(im, r, C_GROUPS), &in.ngroups);
        const char *pw = cell(im, r, C_PASSWORD);
        in.password = pw && *pw ? pw : NULL;
        in.no_password = im->dry_run;
        struct ctx rc;
        struct fail rf;
        struct dir_result res;
        row_ctx(im, &rc, &rf);
        enum err e = dir_user_save(&rc, &in, DIR_UPSERT, &res);
        if (e != ERR_OK) {
            if ((e = row_failed(im, r->line, &rf, e)) != ERR_OK)
                return e;
            continue;
        }
        report(im, r->line, in.code, &res);
    }
    return ERR_OK;
}

static enum err
import_groups(struct import *im, json_t *seen)
{
    for (size_t i = 0; i < im->nrows && !too_many(im); i++) {
        const struct row *r = &im->rows[i];
        struct dir_group_in in = { .code = cell(im, r, C_CODE),
                                   .name = cell(im, r, C_NAME),
                                   .name_en = cell(im, r, C_NAME_EN),
                                   .description = cell(im, r, C_DESCRIPTION) };
        if (!first_time(im, seen, in.code, r->line, "code"))
            continue;
        struct ctx rc;
        struct fail rf;
        struct dir_result res;
        row_ctx(im, &rc, &rf);
        enum err e = dir_group_save(&rc, &in, DIR_UPSERT, &res);
        if (e != ERR_OK) {
            if ((e = row_failed(im, r->line, &rf, e)) != ERR_OK)
                return e;
            continue;
        }
        report(im, r->line, in.code, &res);
    }
    return ERR_OK;
}

/* Organisations in two passes, so that a row may name a parent defined further down: first
 * every row without touching parents (new ones start at the top level), then the parents.
 * Every organisation whose parent changes is detached first and then attached in file order
 * with the cycle check, so the check sees only edges of the final tree. */
static enum err
import_orgs(struct import *im, json_t *seen)
{
    struct dir_result *res = arena_zalloc(im->c->arena, im->nrows * sizeof(*res) + 1);
    int64_t *old_parent = arena_zalloc(im->c->arena, im->nrows * sizeof(int64_t) + 1);
    int64_t *new_parent = arena_zalloc(im->c->arena, im->nrows * sizeof(int64_t) + 1);
    bool *done = arena_zalloc(im->c->arena, im->nrows + 1);
    enum err e;
    for (size_t i = 0; i < im->nrows && !too_many(im); i++) {
        const struct row *r = &im->rows[i];
        struct dir_org_in in = { .code = cell(im, r, C_CODE),
                                 .name = cell(im, r, C_NAME),
                                 .name_en = cell(im, r, C_NAME_EN) };
        if (!first_time(im, seen, in.code, r->line, "code") ||
            !parse_sort(im, r, &in.set_sort, &in.sort_order))
            continue;
        struct ctx rc;
        struct fail rf;
        struct dir_org existing;
        row_ctx(im, &rc, &rf);
        const char *parent = cell(im, r, C_PARENT);
        if (parent && *parent && !dir_check_code(&rc, "parentCode", parent)) {
            if ((e = row_failed(im, r->line, &rf, ERR_INVALID)) != ERR_OK)
                return e;
            continue;
        }
        e = dir_org_save(&rc, &in, DIR_UPSERT, &res[i]);
        if (e == ERR_OK)
            e = dir_org_get(&rc, in.code, &existing);
        if (e != ERR_OK) {
            if ((e = row_failed(im, r->line, &rf, e)) != ERR_OK)
                return e;
            continue;
        }
        old_parent[i] = new_parent[i] = existing.parent_id;
        done[i] = true;
    }
    if (im->nerrors || !has(im, C_PARENT))
        goto report;
    /* pass 2: parents (all rows exist now) */
    for (size_t i = 0; i < im->nrows && !too_many(im); i++) {
        const char *parent = cell(im, &im->rows[i], C_PARENT);
        int64_t pid = 0;
        if (*parent && (e = dir_id_of(im->c, DIR_SQL_ORG_ID, parent, &pid)) != ERR_OK)
            return e;
        if (*parent && !pid) {
            line_error(im, im->rows[i].line, "parent",
                       arena_printf(im->c->arena, "親組織「%s」がありません。", parent),
                       arena_printf(im->c->arena, "The parent organization \"%s\" does not exist.",
                                    parent));
            continue;
        }
        new_parent[i] = pid;
    }
    for (size_t i = 0; i < im->nrows && !im->nerrors; i++)
        if (new_parent[i] != old_parent[i] &&
            (e = dir_org_set_parent(im->c, res[i].id, 0)) != ERR_OK)
            return e;
    for (size_t i = 0; i < im->nrows && !too_many(im); i++) {
        if (im->nerrors || new_parent[i] == old_parent[i])
            continue;
        struct ctx rc;
        struct fail rf;
        row_ctx(im, &rc, &rf);
        e = dir_org_check_parent(&rc, "parentCode", res[i].id, new_parent[i]);
        if (e == ERR_OK)
            e = dir_org_set_parent(&rc, res[i].id, new_parent[i]);
        if (e != ERR_OK) {
            if ((e = row_failed(im, im->rows[i].line, &rf, e)) != ERR_OK)
                return e;
            continue;
        }
        if (res[i].action == DIR_UNCHANGED)
            res[i].action = DIR_UPDATED;
    }
report:
    for (size_t i = 0; i < im->nrows && !im->nerrors; i++)
        if (done[i])
            report(im, im->rows[i].line, cell(im, &im->rows[i], C_CODE), &res[i]);
    return ERR_OK;
}

/* One user's rows of a memberships file. */
struct member_set {
    int line;
    const char *user, *primary;
    const char **orgs, **groups;
    size_t norgs, ngroups;
};

static void
push(struct ctx *c, const char ***list, size_t *n, const char *s)
{
    const char **grown = arena_alloc(c->arena, (*n + 1) * sizeof(char *));
    if (*n)
        memcpy(grown, *list, *n * sizeof(char *));
    grown[(*n)++] = s;
    *list = grown;
}

static enum err
import_memberships(struct import *im, json_t *seen)
{
    struct member_set *sets = arena_zalloc(im->c->arena, im->nrows * sizeof(*sets) + 1);
    size_t nsets = 0;
    for (size_t i = 0; i < im->nrows && !too_many(im); i++) {
        const struct row *r = &im->rows[i];
        const char *user = cell(im, r, C_USER), *org = cell(im, r, C_ORG);
        const char *group = cell(im, r, C_GROUP);
        int primary = 0;
        if (!parse_bool(im, r, C_PRIMARY, &primary))
            continue;
        if (!*user) {
            line_error(im, r->line, "user", "必須です。", "Required.");
            continue;
        }
        json_t *at = json_object_get(seen, user);
        struct member_set *s;
        if (at) {
            s = &sets[json_integer_value(at)];
        } else {
            s = &sets[nsets];
            s->line = r->line;
            s->user = user;
            json_object_set_new(seen, user, json_integer((json_int_t)nsets++));
        }
        if (org && *org)
            push(im->c, &s->orgs, &s->norgs, org);
        if (group && *group)
            push(im->c, &s->groups, &s->ngroups, group);
        if (primary == 1) {
            if (!org || !*org)
                line_error(im, r->line, "primary", "primaryは組織（org）のある行に指定してください。",
                           "Mark primary only on a row with an org.");
            else if (s->primary)
                line_error(im, r->line, "primary",
                           "優先する組織（primary）は1ユーザーにつき1つだけ指定できます。",
                           "Only one primary organization per user.");
            else
                s->primary = org;
        }
    }
    for (size_t i = 0; i < nsets && !too_many(im); i++) {
        struct member_set *s = &sets[i];
        struct dir_user_in in = { .code = s->user, .admin = -1, .service = -1, .disabled = -1,
                                  .set_orgs = has(im, C_ORG), .orgs = s->orgs, .norgs = s->norgs,
                                  .set_groups = has(im, C_GROUP), .groups = s->groups,
                                  .ngroups = s->ngroups, .primary_org = s->primary,
                                  .no_password = true };
        struct ctx rc;
        struct fail rf;
        struct dir_result res;
        row_ctx(im, &rc, &rf);
        enum err e = dir_user_save(&rc, &in, DIR_UPDATE, &res);
        if (e == ERR_NOT_FOUND) {
            line_error(im, s->line, "user",
                       arena_printf(im->c->arena, "ユーザー「%s」がありません。", s->user),
                       arena_printf(im->c->arena, "The user \"%s\" does not exist.", s->user));
            continue;
        }
        if (e != ERR_OK) {
            if ((e = row_failed(im, s->line, &rf, e)) != ERR_OK)
                return e;
            continue;
        }
        report(im, s->line, s->user, &res);
    }
    return ERR_OK;
}

/* ---- file ---- */

static bool
read_header(struct import *im, char **f, int nf)
{
    for (int k = 0; k < C__COUNT; k++)
        im->pos[k] = -1;
    for (int i = 0; i < nf; i++) {
        int col = -1;
        for (int k = 0; kind_cols[im->kind][k] != C__COUNT; k++)
            if (strcasecmp(f[i], col_names[kind_cols[im->kind][k]]) == 0)
                col = (int)kind_cols[im->kind][k];
        if (col < 0) {
            line_error(im, 1, NULL,
                       arena_printf(im->c->arena, "不明な列「%s」があります。", f[i]),
                       arena_printf(im->c->arena, "Unknown column \"%s\".", f[i]));
        } else if (im->pos[col] >= 0) {
            line_error(im, 1, NULL,
                       arena_printf(im->c->arena, "列「%s」が重複しています。", f[i]),
                       arena_printf(im->c->arena, "The column \"%s\" appears twice.", f[i]));
        } else {
            im->pos[col] = i;
        }
    }
    enum col req = kind_cols[im->kind][0];
    if (im->pos[req] < 0)
        line_error(im, 1, NULL,
                   arena_printf(im->c->arena, "必須の列「%s」がありません。", col_names[req]),
                   arena_printf(im->c->arena, "The required column \"%s\" is missing.",
                                col_names[req]));
    if (im->kind == DIR_IMPORT_MEMBERSHIPS && !has(im, C_ORG) && !has(im, C_GROUP))
        line_error(im, 1, NULL, "列「org」または「group」が必要です。",
                   "The file needs an \"org\" or a \"group\" column.");
    return im->nerrors == 0;
}

static bool
read_rows(struct import *im, const char *csv, size_t n)
{
    struct csv_reader rd;
    if (!csv_open(&rd, im->c->arena, csv, n)) {
        line_error(im, rd.error_line, NULL, csv_error_text(rd.error, false),
                   csv_error_text(rd.error, true));
        return false;
    }
    char *f[CSV_MAX_FIELDS];
    int nf, line, rc = csv_next(&rd, f, &nf, &line);
    if (rc == 0) {
        line_error(im, 1, NULL, "ヘッダー行がありません（空のファイルです）。",
                   "The header row is missing (the file is empty).");
        return false;
    }
    if (rc < 0 || !read_header(im, f, nf)) {
        if (rc < 0)
            line_error(im, rd.error_line, NULL, csv_error_text(rd.error, false),
                       csv_error_text(rd.error, true));
        return false;
    }
    int ncols = nf;
    size_t cap = 0;
    while ((rc = csv_next(&rd, f, &nf, &line)) == 1 && !too_many(im)) {
        if (nf != ncols) {
            line_error(im, line, NULL,
                       arena_printf(im->c->arena, "列の数（%d）がヘッダー（%d列）と一致しません。",
                                    nf, ncols),
                       arena_printf(im->c->arena, "%d columns; the header has %d.", nf, ncols));
            continue;
        }
        if (im->nrows >= MAX_ROWS) {
            line_error(im, line, NULL, "行が多すぎます（100,000行まで）。",
                       "Too many rows (100,000 at most).");
            return false;
        }
        if (im->nrows == cap) {
            cap = cap ? cap * 2 : 64;
            struct row *grown = arena_alloc(im->c->arena, cap * sizeof(struct row));
            if (im->nrows)
                memcpy(grown, im->rows, im->nrows * sizeof(struct row));
            im->rows = grown;
        }
        struct row *r = &im->rows[im->nrows++];
        r->line = line;
        r->v = arena_memdup(im->c->arena, f, (size_t)nf * sizeof(char *));
    }
    if (rc < 0)
        line_error(im, rd.error_line, NULL, csv_error_text(rd.error, false),
                   csv_error_text(rd.error, true));
    return im->nerrors == 0;
}

static void
decref(void *p)
{
    json_decref(p);
}

enum err
dir_import(struct ctx *c, enum dir_import_kind kind, const char *csv, size_t n, bool dry_run,
           struct dir_import_report *rep)
{
    struct import im = { .c = c, .kind = kind, .dry_run = dry_run, .rep = rep };
    memset(rep, 0, sizeof(*rep));
    rep->dry_run = dry_run;
    if (!read_rows(&im, csv, n))
        return ERR_INVALID;
    rep->rows = arena_zalloc(c->arena, (im.nrows + 1) * sizeof(*rep->rows));
    json_t *seen = json_object();
    arena_defer(c->arena, decref, seen);
    im.changed = json_array();
    arena_defer(c->arena, decref, im.changed);

    int rc = db_exec(c->db, DIR_SQL_SAVEPOINT, NULL, 0, NULL);
    if (rc != DB_OK)
        return dir_db_fail(c, rc);
    enum err e;
    switch (kind) {
    case DIR_IMPORT_USERS:
        e = import_users(&im, seen);
        break;
    case DIR_IMPORT_ORGS:
        e = import_orgs(&im, seen);
        break;
    case DIR_IMPORT_GROUPS:
        e = import_groups(&im, seen);
        break;
    default:
        e = import_memberships(&im, seen);
        break;
    }
    if (e == ERR_OK && im.nerrors)
        e = ERR_INVALID;
    if (e != ERR_OK || dry_run) {
        rc = db_exec(c->db, DIR_SQL_ROLLBACK_TO, NULL, 0, NULL);
        if (rc == DB_OK)
            rc = db_exec(c->db, DIR_SQL_RELEASE, NULL, 0, NULL);
        if (e == ERR_OK && rc != DB_OK)
            e = dir_db_fail(c, rc);
        if (e != ERR_OK) {
            rep->nrows = rep->created = rep->updated = rep->unchanged = 0;
            return e;
        }
    } else if ((rc = db_exec(c->db, DIR_SQL_RELEASE, NULL, 0, NULL)) != DB_OK) {
        return dir_db_fail(c, rc);
    }
    json_t *d = json_pack("{s:s, s:b, s:I, s:I, s:I, s:O}", "kind", kind_names[kind], "dryRun",
                          dry_run, "created", (json_int_t)rep->created, "updated",
                          (json_int_t)rep->updated, "unchanged", (json_int_t)rep->unchanged,
                          "codes", im.changed);
    arena_defer(c->arena, decref, d);
    rep->detail = dir_detail_done(c, d);
    return ERR_OK;
}
