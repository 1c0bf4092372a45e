/* Collecting an export: the records query of records.json (same compiler, same record and
 * field permissions, same wire rendering) without the page limit, turned into text cells. It
 * lives with the record module because it reads rows the way record_read.c does. */
#include "domain/export.h"

#include "core/arena.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/acl.h"
#include "domain/export_sql.h"
#include "domain/query.h"
#include "domain/record_int.h"
#include "domain/record_sql.h"

#include <string.h>

/* REC_COLS has 11 columns; acl_field_columns() appends one per dynamic field after them. */
#define EXP_COL_DYNAMIC 11

struct col {
    const char *code;  /* top-level field code */
    const char *inner; /* subtable field code, or NULL */
    const char *label;
};

struct cols {
    struct col *v;
    size_t n, cap;
};

static bool
skipped_type(const char *type)
{
    static const char *const skip[] = { "REFERENCE_TABLE", "GROUP", "LABEL", "SPACER", "HR", NULL };
    for (const char *const *s = skip; *s; s++)
        if (strcmp(type, *s) == 0)
            return true;
    return false;
}

static bool
is_hidden(const struct acl_fields *af, const char *code)
{
    for (int i = 0; i < af->nhidden; i++)
        if (strcmp(af->hidden[i], code) == 0)
            return true;
    return false;
}

static bool
has_col(const struct cols *cs, const char *code)
{
    for (size_t i = 0; i < cs->n; i++)
        if (strcmp(cs->v[i].code, code) == 0)
            return true;
    return false;
}

static void
push(struct ctx *c, struct cols *cs, const char *code, const char *inner, const char *label)
{
    if (cs->n == cs->cap) {
        size_t cap = cs->cap ? cs->cap * 2 : 32;
        struct col *v = arena_alloc(c->arena, cap * sizeof(*v));
        if (cs->n)
            memcpy(v, cs->v, cs->n * sizeof(*v));
        cs->v = v;
        cs->cap = cap;
    }
    cs->v[cs->n++] = (struct col){ code, inner, label && *label ? label : (inner ? inner : code) };
}

/* One field as columns: a subtable gives one column per field in it. */
static void
add_field(struct ctx *c, const struct app_def *d, const struct acl_fields *af, struct cols *cs,
          const char *code)
{
    const json_t *f = json_object_get(d->props, code);
    const char *type = json_string_value(json_object_get(f, "type"));
    if (!f || !type || skipped_type(type) || is_hidden(af, code) || has_col(cs, code))
        return;
    if (strcmp(type, "SUBTABLE") != 0) {
        push(c, cs, code, NULL, json_string_value(json_object_get(f, "label")));
        return;
    }
    const char *icode;
    const json_t *inner;
    json_object_foreach((json_t *)json_object_get(f, "fields"), icode, inner)
        push(c, cs, code, icode, json_string_value(json_object_get(inner, "label")));
}

static void
add_layout(struct ctx *c, const struct app_def *d, const struct acl_fields *af, struct cols *cs,
           const json_t *layout)
{
    size_t i;
    const json_t *row;
    json_array_foreach(layout, i, row) {
        const char *type = json_string_value(json_object_get(row, "type"));
        const char *code = json_string_value(json_object_get(row, "code"));
        if (type && strcmp(type, "SUBTABLE") == 0 && code) {
            add_field(c, d, af, cs, code);
        } else if (type && strcmp(type, "GROUP") == 0) {
            add_layout(c, d, af, cs, json_object_get(row, "layout"));
        } else {
            size_t j;
            const json_t *f;
            json_array_foreach(json_object_get(row, "fields"), j, f) {
                const char *fc = json_string_value(json_object_get(f, "code"));
                if (fc)
                    add_field(c, d, af, cs, fc);
            }
        }
    }
}

static void
plan_columns(struct ctx *c, const struct app_def *d, const struct acl_fields *af,
             const json_t *fields, struct cols *cs)
{
    const char *code;
    const json_t *f;
    if (json_is_array(fields)) {
        size_t i;
        json_array_foreach(fields, i, f)
            if (json_is_string(f))
                add_field(c, d, af, cs, json_string_value(f));
        return;
    }
    json_object_foreach(d->props, code, f) {
        const char *type = json_string_value(json_object_get(f, "type"));
        if (type && strcmp(type, "RECORD_NUMBER") == 0)
            add_field(c, d, af, cs, code);
    }
    add_layout(c, d, af, cs, d->layout);
    json_object_foreach(d->props, code, f)
        add_field(c, d, af, cs, code);
}

/* The text of a wire value (arena copy: the record JSON goes away): lists one item per
 * line, users and files by name. */
static const char *
cell_text(struct ctx *c, const json_t *v)
{
    if (json_is_string(v))
        return arena_strdup(c->arena, json_string_value(v));
    if (json_is_object(v)) {
        const char *name = json_string_value(json_object_get(v, "name"));
        const char *code = json_string_value(json_object_get(v, "code"));
        return arena_strdup(c->arena, name && *name ? name : code ? code : "");
    }
    if (!json_is_array(v))
        return "";
    struct strbuf sb;
    strbuf_init(&sb, c->arena, 0);
    size_t i;
    const json_t *item;
    json_array_foreach(v, i, item) {
        if (i)
            strbuf_addc(&sb, '\n');
        strbuf_adds(&sb, cell_text(c, item));
    }
    return sb.buf;
}

static const json_t *
wire_value(const json_t *rec, const char *code)
{
    return json_object_get(json_object_get(rec, code), "value");
}

struct rows {
    const char **cells;
    size_t n, cap, ncols;
};

static const char **
new_line(struct ctx *c, struct rows *rs)
{
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 256;
        const char **v = arena_alloc(c->arena, cap * rs->ncols * sizeof(*v));
        if (rs->n)
            memcpy(v, rs->cells, rs->n * rs->ncols * sizeof(*v));
        rs->cells = v;
        rs->cap = cap;
    }
    return rs->cells + rs->n++ * rs->ncols;
}

/* A record is as many lines as its longest subtable (at least one); the record's own fields
 * repeat on each line so that every line stands alone in a spreadsheet filter. */
static void
add_record(struct ctx *c, const struct cols *cs, const json_t *rec, struct rows *rs)
{
    size_t lines = 1;
    for (size_t k = 0; k < cs->n; k++)
        if (cs->v[k].inner) {
            size_t n = json_array_size(wire_value(rec, cs->v[k].code));
            if (n > lines)
                lines = n;
        }
    for (size_t l = 0; l < lines; l++) {
        const char **line = new_line(c, rs);
        for (size_t k = 0; k < cs->n; k++) {
            const json_t *v = wire_value(rec, cs->v[k].code);
            if (cs->v[k].inner)
                v = wire_value(json_object_get(json_array_get(v, l), "value"), cs->v[k].inner);
            line[k] = cell_text(c, v);
        }
    }
}

enum err
export_collect(struct ctx *c, const struct app_def *d, const char *query, const json_t *fields,
               struct export_table *out)
{
    struct query_plan plan;
    const struct acl_fields *af;
    memset(out, 0, sizeof(*out));
    struct strbuf sel;
    strbuf_init(&sel, c->arena, 0);
    int where_params;
    enum err e = rec_view_plan(c, d, query, &af, &plan, &sel, &where_params);
    if (e != ERR_OK)
        return e;
    int64_t limit = plan.has_limit ? plan.limit : EXPORT_MAX_RECORDS + 1;
    const char *sql = arena_printf(c->arena, EXPORT_SQL_SELECT, sel.buf, plan.where,
                                   plan.order_by, (long long)limit, (long long)plan.offset);
    struct cols cs = { 0 };
    plan_columns(c, d, af, fields, &cs);
    struct rows rs = { .ncols = cs.n };
    const char **hidden =
        arena_alloc(c->arena, sizeof(*hidden) * (size_t)(af->nhidden + af->ndynamic + 1));
    for (int i = 0; i < af->nhidden; i++)
        hidden[i] = af->hidden[i];
    struct db_res *res = NULL;
    int rc = db_query(c->db, sql, plan.params, plan.nparams, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    struct strbuf wire;
    strbuf_init(&wire, NULL, 0);
    int64_t nrec = 0;
    while ((rc = db_step(res)) == 1) {
        if (++nrec > EXPORT_MAX_RECORDS) {
            fail_field(c->fail, "query", MSG_MAX_ITEMS, "100,000");
            e = fail_set(c->fail, ERR_INVALID, NULL);
            break;
        }
        int n = af->nhidden;
        for (int i = 0; i < af->ndynamic; i++)
            if (db_col_int(res, EXP_COL_DYNAMIC + i) == 0)
                hidden[n++] = af->dynamic[i];
        hidden[n] = NULL;
        strbuf_reset(&wire);
        rec_row_append(c, d, res, NULL, hidden, &wire);
        json_t *rec = json_loadb(wire.buf, wire.len, 0, NULL);
        if (rec)
            add_record(c, &cs, rec, &rs);
        json_decref(rec);
    }
    strbuf_release(&wire);
    db_res_free(res);
    if (e != ERR_OK)
        return e;
    if (rc < 0)
        return app_db_fail(c, rc);
    out->ncols = cs.n;
    out->labels = arena_alloc(c->arena, (cs.n + 1) * sizeof(*out->labels));
    for (size_t k = 0; k < cs.n; k++)
        out->labels[k] = cs.v[k].label;
    out->nrows = rs.n;
    out->cells = rs.cells;
    return ERR_OK;
}
