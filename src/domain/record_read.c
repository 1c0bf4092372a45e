/* Reading records: one by id, by query, and the display names that go with them. */
#include "record.h"

#include "core/arena.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/acl.h"
#include "domain/query.h"
#include "domain/record_int.h"
#include "domain/record_sql.h"
#include "domain/value.h"

#include <string.h>
#include <time.h>

/* Display names of users, organisations and groups (kintone gives each entity's name with its
 * code), cached per worker thread for a minute: record lists show the same few creators and
 * offices again and again. */
#define NAME_CACHE 128
struct name_entry {
    char kind; /* 'U', 'O', 'G' */
    char login[64];
    char name[128];
    int64_t fetched;
};
static _Thread_local struct name_entry names[NAME_CACHE];

static unsigned
name_slot(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h % NAME_CACHE;
}

const char *
rec_display_name(void *arg, const char *kind, const char *code)
{
    struct ctx *c = arg;
    const char *sql = !kind                       ? NULL
                      : !strcmp(kind, "USER")         ? REC_SQL_USER_NAME
                      : !strcmp(kind, "ORGANIZATION") ? REC_SQL_ORG_NAME
                      : !strcmp(kind, "GROUP")        ? REC_SQL_GROUP_NAME
                                                      : NULL;
    if (!code || !sql || strlen(code) >= sizeof(names[0].login))
        return code;
    struct name_entry *e = &names[(name_slot(code) + (unsigned)kind[0]) % NAME_CACHE];
    if (e->fetched > c->now - 60 && e->kind == kind[0] && strcmp(e->login, code) == 0)
        return e->name[0] ? arena_strdup(c->arena, e->name) : code;
    struct db_param p[] = { DBP_TEXT(code) };
    struct db_res *res = NULL;
    const char *name = code;
    if (db_query(c->db, sql, p, 1, &res) != DB_OK)
        return code;
    e->name[0] = '\0';
    if (db_step(res) == 1) {
        const char *n = db_col_text(res, 0);
        if (strlen(n) < sizeof(e->name))
            memcpy(e->name, n, strlen(n) + 1);
        name = arena_strdup(c->arena, n);
    }
    db_res_free(res);
    memcpy(e->login, code, strlen(code) + 1);
    e->kind = kind[0];
    e->fetched = c->now;
    return name;
}

enum { REC_COL_WIRE = 9, REC_COL_WIRE_REV = 10 };

static json_t *row_to_wire(struct ctx *c, const struct app_def *d, struct db_res *res,
                           const json_t *fields);

static int
dump_cb(const char *buf, size_t n, void *data)
{
    strbuf_add(data, buf, n);
    return 0;
}

static void
append_json(struct strbuf *out, const json_t *v)
{
    json_dump_callback(v, dump_cb, out, JSON_COMPACT | JSON_ENCODE_ANY);
}

const char *
rec_render(struct ctx *c, const struct app_def *d, int64_t id, int64_t revision,
           const char *creator, int64_t created_at, const char *modifier, int64_t updated_at,
           const json_t *data, const char *status, const json_t *assignees)
{
    struct value_row row = { .id = id,
                             .revision = revision,
                             .created_at = created_at,
                             .updated_at = updated_at,
                             .creator = creator,
                             .modifier = modifier,
                             .status = status,
                             .assignees = assignees,
                             .data = data };
    json_t *w = value_to_wire(c, d->props, &row, NULL, rec_display_name, c);
    struct strbuf sb;
    strbuf_init(&sb, c->arena, 0);
    /* one member per line ("{m1,\n m2,\n m3}"): compact JSON never holds a raw newline, so a
     * reader that must drop fields the caller may not see finds the members with memchr
     * instead of parsing (rec_wire_strip) */
    const char *key;
    json_t *v;
    bool first = true;
    strbuf_addc(&sb, '{');
    json_object_foreach(w, key, v)
    {
        if (!first)
            strbuf_adds(&sb, ",\n");
        first = false;
        json_t *k = json_string(key);
        append_json(&sb, k);
        json_decref(k);
        strbuf_addc(&sb, ':');
        append_json(&sb, v);
    }
    strbuf_addc(&sb, '}');
    json_decref(w);
    return sb.buf;
}

/* Skips one JSON value starting at p (compact text from jansson); NULL if malformed. */
static const char *
skip_value(const char *p, const char *end)
{
    int depth = 0;
    while (p < end) {
        char ch = *p;
        if (ch == '"') {
            for (p++; p < end && *p != '"'; p++)
                if (*p == '\\')
                    p++;
            if (p >= end)
                return NULL;
            p++;
        } else if (ch == '{' || ch == '[') {
            depth++;
            p++;
        } else if (ch == '}' || ch == ']') {
            if (depth == 0)
                return p;
            depth--;
            p++;
        } else if (ch == ',' && depth == 0) {
            return p;
        } else {
            p++;
        }
        if (depth == 0 && (p >= end || *p == ',' || *p == '}'))
            return p;
    }
    return NULL;
}

/* Finding a top-level field by its key: our renderings are compact jansson output, in which
 * a quote inside a string is always escaped, and field codes are unique across the app (table
 * columns included), so the bytes "<code>":{"type":" occur exactly where field <code> starts.
 * memmem finds them far faster than walking the JSON (measured: 0.2 against 2 us a record). */
struct span {
    size_t from, to;
};

/* Appends in[0..n) without its newlines: a line-format rendering becomes exactly the compact
 * JSON a plain dump gives, so clients never see the storage format. */
static void
add_compact(struct strbuf *out, const char *in, size_t n)
{
    strbuf_grow(out, n);
    if (out->overflow || out->cap - out->len < n + 1) {
        strbuf_add(out, in, n); /* sets the overflow flag */
        return;
    }
    char *dst = out->buf + out->len;
    const char *p = in, *end = in + n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t k = (size_t)((nl ? nl : end) - p);
        memcpy(dst, p, k);
        dst += k;
        p = nl ? nl + 1 : end;
    }
    out->len = (size_t)(dst - out->buf);
    out->buf[out->len] = '\0';
}

/* Renderings with one member per line: walk the lines, copying runs of kept members whole. */
static void
strip_lines(const char *in, size_t n, const char *const *hidden, struct strbuf *out)
{
    size_t hl[64];
    int nh = 0;
    for (; hidden[nh] && nh < 64; nh++)
        hl[nh] = strlen(hidden[nh]);
    const char *p = in + 1, *end = in + n - 1; /* inside the braces */
    const char *run = NULL, *run_end = NULL;
    bool any = false;
    strbuf_addc(out, '{');
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl - 1 : end; /* the member, without ",\n" */
        /* field codes hold no '"' or backslash: the key is the text up to the next quote */
        const char *q = memchr(p + 1, '"', (size_t)(stop - p - 1));
        bool drop = false;
        for (int i = 0; q && i < nh && !drop; i++)
            drop = hl[i] == (size_t)(q - p - 1) && memcmp(hidden[i], p + 1, hl[i]) == 0;
        if (drop && run) {
            if (any)
                strbuf_addc(out, ',');
            add_compact(out, run, (size_t)(run_end - run));
            any = true;
            run = NULL;
        } else if (!drop) {
            if (!run)
                run = p;
            run_end = stop;
        }
        p = nl ? nl + 1 : end;
    }
    if (run) {
        if (any)
            strbuf_addc(out, ',');
        add_compact(out, run, (size_t)(run_end - run));
    }
    strbuf_addc(out, '}');
}

bool
rec_wire_strip(const char *in, size_t n, const char *const *hidden, struct strbuf *out)
{
    struct span spans[64];
    int ns = 0;
    char pat[300];
    if (n < 2 || in[0] != '{' || in[n - 1] != '}')
        return false;
    if (n > 3 && memchr(in, '\n', n)) {
        /* field codes never hold '"' or a backslash, so a key ends at the next quote */
        strip_lines(in, n, hidden, out);
        return true;
    }
    /* renderings stored before the line format: find members by their key */
    for (const char *const *h = hidden; h && *h; h++) {
        int pl = snprintf(pat, sizeof(pat), "\"%s\":{\"type\":\"", *h);
        if (pl < 0 || (size_t)pl >= sizeof(pat) || ns == 64)
            return false;
        const char *at = memmem(in, n, pat, (size_t)pl);
        if (!at)
            continue; /* not in this record */
        size_t from = (size_t)(at - in);
        if (in[from - 1] != ',' && in[from - 1] != '{')
            return false;
        const char *end = skip_value(at + strlen(*h) + 3, in + n);
        if (!end || (*end != ',' && *end != '}'))
            return false;
        spans[ns++] = (struct span){ from, (size_t)(end - in) };
    }
    /* in order of position (a handful: insertion sort) */
    for (int i = 1; i < ns; i++)
        for (int j = i; j > 0 && spans[j].from < spans[j - 1].from; j--) {
            struct span t = spans[j];
            spans[j] = spans[j - 1];
            spans[j - 1] = t;
        }
    /* copy the gaps between removed members, dropping the comma a removal leaves doubled or
     * dangling: a gap's leading comma after "{" or ",", and a comma before the closing "}" */
    size_t start = out->len, pos = 0;
    for (int i = 0; i <= ns; i++) {
        size_t to = i < ns ? spans[i].from : n;
        if (i < ns && to < pos)
            return false;
        const char *g = in + pos;
        size_t gl = to - pos;
        char last = out->len > start ? out->buf[out->len - 1] : '\0';
        if (gl && *g == ',' && (last == '{' || last == ','))
            g++, gl--;
        if (i == ns && gl == 1 && *g == '}' && last == ',')
            out->len--;
        strbuf_add(out, g, gl);
        if (i < ns)
            pos = spans[i].to;
    }
    return true;
}

void
rec_row_append(struct ctx *c, const struct app_def *d, struct db_res *res, const json_t *fields,
               const char *const *hidden, struct strbuf *out)
{
    bool any_hidden = hidden && *hidden;
    if (!fields && !db_col_null(res, REC_COL_WIRE) && !db_col_null(res, REC_COL_WIRE_REV) &&
        db_col_int(res, REC_COL_WIRE_REV) == d->render_rev) {
        if (!any_hidden) {
            add_compact(out, db_col_text(res, REC_COL_WIRE), db_col_len(res, REC_COL_WIRE));
            return;
        }
        if (rec_wire_strip(db_col_text(res, REC_COL_WIRE), db_col_len(res, REC_COL_WIRE), hidden,
                           out))
            return;
    }
    json_t *w = row_to_wire(c, d, res, fields);
    for (const char *const *h = hidden; any_hidden && *h; h++)
        json_object_del(w, *h);
    append_json(out, w);
    json_decref(w);
}

static json_t *
row_to_wire(struct ctx *c, const struct app_def *d, struct db_res *res, const json_t *fields)
{
    struct value_row row;
    json_t *data = json_loadb(db_col_text(res, 4), db_col_len(res, 4), 0, NULL);
    json_t *assignees = db_col_null(res, 3)
                            ? NULL
                            : json_loadb(db_col_text(res, 3), db_col_len(res, 3), 0, NULL);
    row.id = db_col_int(res, 0);
    row.revision = db_col_int(res, 1);
    row.status = db_col_null(res, 2) ? NULL : db_col_text(res, 2);
    row.assignees = assignees;
    row.data = data ? data : json_object();
    row.creator = db_col_text(res, 5);
    row.created_at = db_col_int(res, 6);
    row.modifier = db_col_text(res, 7);
    row.updated_at = db_col_int(res, 8);
    json_t *out = value_to_wire(c, d->props, &row, fields, rec_display_name, c);
    json_decref((json_t *)row.data);
    json_decref(assignees);
    return out;
}

enum err
rec_get(struct ctx *c, const struct app_def *d, int64_t id, const json_t *fields,
        struct strbuf *out)
{
    enum err e = acl_record(c, d, id, ACL_VIEW);
    const char **hidden = NULL;
    if (e == ERR_OK)
        e = acl_record_hidden(c, d, id, &hidden);
    if (e != ERR_OK)
        return e;
    struct db_param p[] = { DBP_INT(d->id), DBP_INT(id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, REC_SQL_GET, p, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    rc = db_step(res);
    if (rc == 1)
        rec_row_append(c, d, res, fields, hidden, out);
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    if (rc == 0)
        return rec_not_found(c, id);
    return ERR_OK;
}

enum err
rec_not_found(struct ctx *c, int64_t id)
{
    return fail_set(c->fail, ERR_RECORD_NOT_FOUND, arena_printf(c->arena, "%lld", (long long)id));
}

enum err
rec_view_plan(struct ctx *c, const struct app_def *d, const char *query,
              const struct acl_fields **af, struct query_plan *plan, struct strbuf *cols,
              int *where_params)
{
    enum err e = acl_fields_for(c, d, af);
    if (e != ERR_OK)
        return e;
    /* fields the caller cannot see are unknown to its queries */
    e = query_compile(c, d->id, (*af)->props, query ? query : "", db_kind(c->db), 0, plan);
    if (e == ERR_OK)
        e = acl_filter_records(c, d, ACL_VIEW, plan);
    if (e != ERR_OK)
        return e;
    strbuf_adds(cols, REC_COLS);
    *where_params = plan->nparams;
    return acl_field_columns(c, d, plan, cols);
}

enum err
rec_query(struct ctx *c, const struct app_def *d, const char *query, const json_t *fields,
          bool want_total, struct strbuf *out, int64_t *total)
{
    struct query_plan plan;
    const struct acl_fields *af;
    struct strbuf cols;
    strbuf_init(&cols, c->arena, 0);
    int where_params;
    enum err e = rec_view_plan(c, d, query, &af, &plan, &cols, &where_params);
    if (e != ERR_OK)
        return e;
    const char *sql = arena_printf(c->arena,
                                   "SELECT %s FROM records r WHERE %s ORDER BY %s "
                                   "LIMIT %lld OFFSET %lld",
                                   cols.buf, plan.where, plan.order_by, (long long)plan.limit,
                                   (long long)plan.offset);
    log_debug("query: %s", sql);
    struct db_res *res = NULL;
    int rc = db_query(c->db, sql, plan.params, plan.nparams, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    const char **hidden = arena_alloc(c->arena, sizeof(*hidden) *
                                                    (size_t)(af->nhidden + af->ndynamic + 1));
    int nstatic = 0;
    for (int i = 0; i < af->nhidden; i++)
        hidden[nstatic++] = af->hidden[i];
    hidden[nstatic] = NULL;
    bool first = true;
    while ((rc = db_step(res)) == 1) {
        if (!first)
            strbuf_addc(out, ',');
        first = false;
        int n = nstatic;
        for (int i = 0; i < af->ndynamic; i++)
            if (db_col_int(res, REC_COL_WIRE_REV + 1 + i) == 0)
                hidden[n++] = af->dynamic[i];
        hidden[n] = NULL;
        rec_row_append(c, d, res, fields, hidden, out);
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    *total = -1;
    if (want_total) {
        bool found;
        sql = arena_printf(c->arena, "SELECT COUNT(*) FROM records r WHERE %s", plan.where);
        rc = db_query_int(c->db, sql, plan.params, where_params, total, &found);
        if (rc != DB_OK)
            return app_db_fail(c, rc);
    }
    return ERR_OK;
}
