/* Record history: revision lists with field-by-field diffs and the record as of a revision or
 * a time (revert is record_revert.c). Snapshots hold stored data (value.h); they are rendered
 * with the app's fields as they are now, so a diff compares what a GET would have shown. See
 * record_history.h and docs/api.md "History". */
#include "domain/record_history.h"

#include "core/arena.h"
#include "core/clock.h"
#include "db/db.h"
#include "domain/acl.h"
#include "domain/field.h"
#include "domain/record_history_int.h"
#include "domain/record_history_sql.h"
#include "domain/record_int.h"
#include "domain/value.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The wire type of a value whose field was deleted from the app since it was written: its
 * stored value is shown as is. */
#define HIS_TYPE_UNKNOWN "UNKNOWN"

static void
decref(void *p)
{
    json_decref(p);
}

json_t *
his_keep(struct ctx *c, json_t *j)
{
    if (j)
        arena_defer(c->arena, decref, j);
    return j;
}

static const char *
i64s(struct ctx *c, int64_t v)
{
    return arena_printf(c->arena, "%lld", (long long)v);
}

static json_t *
user_json(struct ctx *c, const char *login)
{
    const char *name = rec_display_name(c, "USER", login);
    return json_pack("{s:s, s:s}", "code", login ? login : "", "name",
                     name ? name : login ? login : "");
}

bool
his_same(const json_t *a, const json_t *b)
{
    if (!a || !b)
        return a == b;
    return json_equal(a, b);
}

static bool
wire_empty(const json_t *v)
{
    return !v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)) ||
           (json_is_array(v) && json_array_size(v) == 0) ||
           (json_is_object(v) && json_object_size(v) == 0);
}

static bool
listed(const char *const *codes, const char *code)
{
    for (; codes && *codes; codes++)
        if (strcmp(*codes, code) == 0)
            return true;
    return false;
}

/* ---- who may see what ----------------------------------------------------------------- */

struct view {
    const char **hidden; /* NULL-terminated: fields the caller may not see on this record */
    bool show_removed;   /* values of fields deleted from the app since */
};

enum err
his_head_load(struct ctx *c, const struct app_def *d, int64_t id, struct head *h, bool *found)
{
    struct db_param p[] = { DBP_INT(d->id), DBP_INT(id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, HIS_SQL_HEAD, p, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    rc = db_step(res);
    if (rc == 1) {
        h->revision = db_col_int(res, 0);
        h->deleted = !db_col_null(res, 1);
        h->creator = arena_strdup(c->arena, db_col_text(res, 2));
        h->created_at = db_col_int(res, 3);
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    *found = rc == 1;
    return ERR_OK;
}

/* History needs view rights on the record; a deleted record's, app management. Whoever lacks
 * them is told the record does not exist (its history is no business of theirs). */
static enum err
his_access(struct ctx *c, const struct app_def *d, int64_t id, struct head *h, struct view *v)
{
    bool found;
    enum err e = his_head_load(c, d, id, h, &found);
    if (e != ERR_OK)
        return e;
    if (!found)
        return rec_not_found(c, id);
    bool manager = (acl_app_rights(c, d) & ACL_MANAGE) != 0;
    if (h->deleted) {
        if (!manager)
            return rec_not_found(c, id);
    } else {
        struct fail quiet;
        struct fail *saved = c->fail;
        fail_init(&quiet, c->arena, c->lang);
        c->fail = &quiet;
        e = acl_record(c, d, id, ACL_VIEW);
        c->fail = saved;
        if (e == ERR_FORBIDDEN || e == ERR_RECORD_NOT_FOUND)
            return rec_not_found(c, id);
        if (e != ERR_OK)
            return fail_with_message(c->fail, e, quiet.message);
    }
    e = acl_record_hidden(c, d, id, &v->hidden);
    if (e != ERR_OK)
        return e;
    /* rules on a deleted field are gone with it, so nothing says who was allowed to see its
     * values: show them only where no field rule restricts anyone, and to app managers (who
     * could have granted themselves the field anyway) */
    const json_t *rules = json_object_get(d->acl, "field");
    v->show_removed = c->who.kind != PRIN_USER || manager || !json_is_array(rules) ||
                      json_array_size(rules) == 0;
    return ERR_OK;
}

/* ---- snapshots ------------------------------------------------------------------------ */

/* Reads the row (columns HIS_COLS) into s; every string and JSON lives in the arena. */
static void
snap_read(struct ctx *c, struct db_res *res, struct snap *s)
{
    memset(s, 0, sizeof(*s));
    s->revision = db_col_int(res, 0);
    s->action = arena_strdup(c->arena, db_col_text(res, 1));
    s->actor = arena_strdup(c->arena, db_col_text(res, 2));
    s->at = db_col_int(res, 3);
    s->data = his_keep(c, json_loadb(db_col_text(res, 4), db_col_len(res, 4), 0, NULL));
    if (!json_is_object(s->data))
        s->data = his_keep(c, json_object());
    s->reason = arena_strdup(c->arena, db_col_text(res, 5));
    s->detail = his_keep(c, json_loadb(db_col_text(res, 6), db_col_len(res, 6), 0, NULL));
    if (!json_is_object(s->detail))
        s->detail = his_keep(c, json_object());
    s->status = db_col_null(res, 7) ? NULL : arena_strdup(c->arena, db_col_text(res, 7));
    if (!db_col_null(res, 8))
        s->assignees = his_keep(c, json_loadb(db_col_text(res, 8), db_col_len(res, 8), 0, NULL));
}

enum err
his_snap_query(struct ctx *c, const char *sql, const struct db_param *p, int np, int64_t max,
           struct snap **out, int64_t *n)
{
    struct db_res *res = NULL;
    *n = 0;
    *out = arena_zalloc(c->arena, sizeof(**out) * (size_t)(max > 0 ? max : 1));
    int rc = db_query(c->db, sql, p, np, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    while (*n < max && (rc = db_step(res)) == 1)
        snap_read(c, res, &(*out)[(*n)++]);
    db_res_free(res);
    return rc < 0 ? app_db_fail(c, rc) : ERR_OK;
}

static json_t *
unknown_member(const json_t *raw)
{
    return json_pack("{s:s, s:O}", "type", HIS_TYPE_UNKNOWN, "value", raw ? raw : json_null());
}

/* Adds the stored values of table columns deleted since to the wire rows (same order). */
static void
table_removed_cols(const json_t *def, const json_t *stored_rows, json_t *wire_member)
{
    const json_t *cols = json_object_get(def, "fields");
    json_t *rows = json_object_get(wire_member, "value");
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        const json_t *raw = json_object_get(json_array_get(stored_rows, i), "value");
        json_t *vals = json_object_get(row, "value");
        const char *code;
        json_t *v;
        json_object_foreach((json_t *)raw, code, v)
        {
            if (!json_object_get(cols, code) && json_is_object(vals))
                json_object_set_new(vals, code, unknown_member(v));
        }
    }
}

/* s->wire: the fields of the snapshot the caller may see, {code:{type,value}} as GET
 * record.json shows them, without system fields (they follow from the revision itself), plus
 * fields deleted since (type UNKNOWN, stored value) when v->show_removed. */
static void
snap_wire(struct ctx *c, const struct app_def *d, const struct view *v, struct snap *s)
{
    struct value_row row = { .revision = s->revision, .data = s->data };
    json_t *w = value_to_wire(c, d->props, &row, NULL, rec_display_name, c);
    const char *code;
    json_t *m, *tmp;
    json_object_foreach_safe(w, tmp, code, m)
    {
        const json_t *def = json_object_get(d->props, code);
        enum ftype t = def ? field_def_type(def) : FT_UNKNOWN;
        if (!def || field_type_is_system(t) || listed(v->hidden, code))
            json_object_del(w, code);
        else if (t == FT_SUBTABLE && v->show_removed)
            table_removed_cols(def, json_object_get(s->data, code), m);
    }
    if (v->show_removed)
        json_object_foreach(s->data, code, m)
        {
            if (!json_object_get(d->props, code))
                json_object_set_new(w, code, unknown_member(m));
        }
    s->wire = his_keep(c, w);
}

/* ---- diffs ---------------------------------------------------------------------------- */

static const char *
label_of(const json_t *def, const char *code)
{
    const char *l = def ? field_str(def, "label") : "";
    return *l ? l : code;
}

/* Names of the files in `files` (wire FILE value) whose fileKey is not in `other`. */
static json_t *
file_names(const json_t *files, const json_t *other)
{
    json_t *out = json_array();
    size_t i, k;
    json_t *f, *g;
    json_array_foreach(files, i, f)
    {
        const char *key = json_string_value(json_object_get(f, "fileKey"));
        bool kept = false;
        json_array_foreach(other, k, g)
        {
            const char *gk = json_string_value(json_object_get(g, "fileKey"));
            kept = kept || (key && gk && strcmp(key, gk) == 0);
        }
        if (!kept)
            json_array_append(out, json_object_get(f, "name") ? json_object_get(f, "name")
                                                              : json_null());
    }
    return out;
}

static void diff_member(const char *code, const json_t *def, const json_t *b, const json_t *a,
                        json_t *changes);

/* Subtable rows are matched by row id: added, removed, and per-field changes of the rows in
 * both; "reordered" when the rows kept changed their order. */
static json_t *
table_change(const char *code, const json_t *def, const json_t *before, const json_t *after)
{
    const json_t *cols = json_object_get(def, "fields");
    json_t *bidx = json_object(), *aidx = json_object();
    json_t *added = json_array(), *removed = json_array(), *changed = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(before, i, r)
    {
        const char *id = json_string_value(json_object_get(r, "id"));
        if (id)
            json_object_set(bidx, id, r);
    }
    json_array_foreach(after, i, r)
    {
        const char *id = json_string_value(json_object_get(r, "id"));
        if (id)
            json_object_set(aidx, id, r);
    }
    json_t *kept_after = json_array(), *kept_before = json_array();
    json_array_foreach(after, i, r)
    {
        const char *id = json_string_value(json_object_get(r, "id"));
        const json_t *br = id ? json_object_get(bidx, id) : NULL;
        if (!br) {
            json_array_append(added, r);
            continue;
        }
        json_array_append_new(kept_after, json_string(id));
        json_t *rc = json_array();
        const json_t *bv = json_object_get(br, "value");
        const char *ic;
        json_t *am;
        json_object_foreach(json_object_get(r, "value"), ic, am)
        {
            diff_member(ic, json_object_get(cols, ic), json_object_get(bv, ic), am, rc);
        }
        if (json_array_size(rc))
            json_array_append_new(changed, json_pack("{s:s, s:o}", "id", id, "changes", rc));
        else
            json_decref(rc);
    }
    json_array_foreach(before, i, r)
    {
        const char *id = json_string_value(json_object_get(r, "id"));
        if (!id || !json_object_get(aidx, id))
            json_array_append(removed, r);
        else
            json_array_append_new(kept_before, json_string(id));
    }
    json_t *o = json_pack("{s:s, s:s, s:s, s:{s:o, s:o, s:o}}", "field", code, "type", "SUBTABLE",
                          "label", label_of(def, code), "rows", "added", added, "removed",
                          removed, "changed", changed);
    if (!json_equal(kept_after, kept_before))
        json_object_set_new(o, "reordered", json_true());
    json_decref(kept_after);
    json_decref(kept_before);
    json_decref(bidx);
    json_decref(aidx);
    return o;
}

/* Appends the change of one field between wire members b and a ({type,value}; b NULL: the
 * field had no value before, e.g. at creation). A member missing from the newer snapshot
 * was dropped with its field by a deploy, which is not this revision's doing. */
static void
diff_member(const char *code, const json_t *def, const json_t *b, const json_t *a,
            json_t *changes)
{
    if (!a)
        return;
    const json_t *av = json_object_get(a, "value");
    const json_t *bv = b ? json_object_get(b, "value") : NULL;
    if (b ? his_same(bv, av) : wire_empty(av))
        return;
    const char *type = json_string_value(json_object_get(a, "type"));
    if (!type)
        type = HIS_TYPE_UNKNOWN;
    if (def && strcmp(type, "SUBTABLE") == 0) {
        json_array_append_new(changes, table_change(code, def, bv, av));
        return;
    }
    json_t *ch = json_pack("{s:s, s:s, s:s, s:O, s:O}", "field", code, "type", type, "label",
                           label_of(def, code), "before", bv ? bv : json_null(), "after",
                           av ? av : json_null());
    if (strcmp(type, "FILE") == 0)
        json_object_set_new(ch, "files", json_pack("{s:o, s:o}", "added", file_names(av, bv),
                                                   "removed", file_names(bv, av)));
    json_array_append_new(changes, ch);
}

static json_t *
diff(const struct app_def *d, const struct snap *prev, const struct snap *s)
{
    json_t *changes = json_array();
    const char *code;
    json_t *m;
    json_object_foreach(s->wire, code, m)
    {
        diff_member(code, json_object_get(d->props, code),
                    prev ? json_object_get(prev->wire, code) : NULL, m, changes);
    }
    return changes;
}

static json_t *
assignees_wire(struct ctx *c, const json_t *logins)
{
    json_t *out = json_array();
    size_t i;
    json_t *l;
    json_array_foreach(logins, i, l)
    {
        if (json_is_string(l))
            json_array_append_new(out, user_json(c, json_string_value(l)));
    }
    return out;
}

/* The stored detail without what names a field the caller may not see: by contract a
 * revision's detail names fields only under "writes" (an object keyed by field code, or an
 * array of codes or of objects with "field"/"code"). */
static json_t *
detail_visible(const struct app_def *d, const struct view *v, const json_t *detail)
{
    json_t *out = json_deep_copy(detail);
    json_t *w = json_object_get(out, "writes");
    const char *code;
    json_t *m, *tmp;
    if (json_is_object(w)) {
        json_object_foreach_safe(w, tmp, code, m)
        {
            if (listed(v->hidden, code) || (!v->show_removed && !json_object_get(d->props, code)))
                json_object_del(w, code);
        }
    } else if (json_is_array(w)) {
        for (size_t i = json_array_size(w); i-- > 0;) {
            m = json_array_get(w, i);
            code = json_is_string(m) ? json_string_value(m)
                   : json_string_value(json_object_get(m, "field"))
                       ? json_string_value(json_object_get(m, "field"))
                       : json_string_value(json_object_get(m, "code"));
            if (code && (listed(v->hidden, code) ||
                         (!v->show_removed && !json_object_get(d->props, code))))
                json_array_remove(w, i);
        }
    }
    return out;
}

static bool
status_differs(const char *a, const char *b)
{
    return (a == NULL) != (b == NULL) || (a && b && strcmp(a, b) != 0);
}

/* One history entry: s compared with the revision before it (prev, NULL for the first). */
static json_t *
entry(struct ctx *c, const struct app_def *d, const struct view *v, const struct snap *prev,
      const struct snap *s)
{
    char when[24];
    clock_format_utc(s->at, when);
    json_t *e = json_pack("{s:s, s:s, s:s, s:o, s:s}", "revision", i64s(c, s->revision), "action",
                          s->action, "at", when, "actor", user_json(c, s->actor), "reason",
                          s->reason);
    const char *before = prev ? prev->status : NULL;
    if (status_differs(before, s->status))
        json_object_set_new(e, "status",
                            json_pack("{s:s?, s:s?}", "from", before, "to", s->status));
    const json_t *ba = prev ? prev->assignees : NULL;
    if (!his_same(ba ? ba : json_null(), s->assignees ? s->assignees : json_null()) &&
        !(wire_empty(ba) && wire_empty(s->assignees)))
        json_object_set_new(e, "assignees",
                            json_pack("{s:o, s:o}", "from", assignees_wire(c, ba), "to",
                                      assignees_wire(c, s->assignees)));
    json_object_set_new(e, "detail", detail_visible(d, v, s->detail));
    json_object_set_new(e, "changes", diff(d, prev, s));
    return e;
}

/* ---- the list --------------------------------------------------------------------------- */

struct comment_page {
    json_t *items;  /* comments.json shape plus "at", oldest first; opinions (意見) too, with
                       "kind":"opinion" and their "status" */
    int64_t *times; /* created_at of each item */
    bool more;      /* HIS_COMMENTS_MAX reached */
};

/* Comments written in [from, to), oldest first. */
static enum err
comments_between(struct ctx *c, const struct app_def *d, int64_t id, int64_t from, int64_t to,
                 struct comment_page *cp)
{
    struct db_param p[] = { DBP_INT(d->id), DBP_INT(id), DBP_INT(from), DBP_INT(to),
                            DBP_INT(HIS_COMMENTS_MAX + 1) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, HIS_SQL_COMMENTS, p, 5, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    cp->times = arena_alloc(c->arena, sizeof(*cp->times) * HIS_COMMENTS_MAX);
    size_t n = 0;
    while ((rc = db_step(res)) == 1) {
        if (n >= HIS_COMMENTS_MAX) {
            cp->more = true;
            break;
        }
        char when[24];
        cp->times[n++] = db_col_int(res, 4);
        clock_format_utc(db_col_int(res, 4), when);
        json_t *mentions = json_loadb(db_col_text(res, 2), db_col_len(res, 2), 0, NULL);
        if (!json_is_array(mentions)) {
            json_decref(mentions);
            mentions = json_array();
        }
        json_t *item = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "id",
                                 i64s(c, db_col_int(res, 0)), "text", db_col_text(res, 1),
                                 "createdAt", when, "at", when, "creator",
                                 user_json(c, db_col_text(res, 3)), "mentions", mentions);
        if (db_col_int(res, 5) == 1) {
            json_object_set_new(item, "kind", json_string("opinion"));
            json_object_set_new(item, "status", json_string(db_col_text(res, 6)));
            json_object_del(item, "mentions");
        }
        json_array_append_new(cp->items, item);
    }
    db_res_free(res);
    return rc < 0 ? app_db_fail(c, rc) : ERR_OK;
}

/* A shallow copy of item with "kind" first, for the timeline. */
static json_t *
tagged(const char *kind, json_t *item)
{
    json_t *o = json_pack("{s:s}", "kind", kind);
    json_object_update(o, item);
    return o;
}

static json_t *
reversed(const json_t *arr)
{
    json_t *out = json_array();
    for (size_t i = json_array_size(arr); i-- > 0;)
        json_array_append(out, json_array_get(arr, i));
    return out;
}

/* "comments" and "timeline" of one page: its revisions (outs[0..nout), oldest first, with
 * their entries) and the comments written while they were current. A page covers the time
 * from its oldest revision (from the very beginning for the page with the first revision) up
 * to the revision after its newest (open-ended for the newest page), so walking all pages
 * shows every comment exactly once; within the same second a revision comes first. */
static enum err
timeline(struct ctx *c, const struct app_def *d, const struct his_query *q,
         const struct snap *outs, int64_t nout, bool page_has_first, const json_t *entries,
         json_t *out)
{
    struct comment_page cp = { .items = his_keep(c, json_array()) };
    if (nout > 0) {
        int64_t from = page_has_first ? INT64_MIN : outs[0].at, to = INT64_MAX, next;
        struct db_param p[] = { DBP_INT(d->id), DBP_INT(q->id),
                                DBP_INT(outs[nout - 1].revision) };
        bool found;
        int rc = db_query_int(c->db, HIS_SQL_NEXT_AT, p, 3, &next, &found);
        if (rc != DB_OK)
            return app_db_fail(c, rc);
        if (found)
            to = next;
        enum err e = comments_between(c, d, q->id, from, to, &cp);
        if (e != ERR_OK)
            return e;
    }
    json_t *tl = his_keep(c, json_array());
    size_t ri = 0, ci = 0, nc = json_array_size(cp.items);
    while ((int64_t)ri < nout || ci < nc) {
        if ((int64_t)ri < nout && (ci >= nc || outs[ri].at <= cp.times[ci]))
            json_array_append_new(tl, tagged("revision", json_array_get(entries, ri++)));
        else {
            json_t *it = json_array_get(cp.items, ci++);
            const char *kind = json_string_value(json_object_get(it, "kind"));
            json_array_append_new(tl, tagged(kind ? kind : "comment", it));
        }
    }
    /* the "comments" list is the comments alone (comments.json shape) */
    json_t *only = his_keep(c, json_array());
    size_t k;
    json_t *it;
    json_array_foreach(cp.items, k, it)
    if (!json_object_get(it, "kind"))
        json_array_append(only, it);
    cp.items = only;
    if (q->asc) {
        json_object_set(out, "comments", cp.items);
        json_object_set(out, "timeline", tl);
    } else {
        json_object_set_new(out, "comments", reversed(cp.items));
        json_object_set_new(out, "timeline", reversed(tl));
    }
    if (cp.more)
        json_object_set_new(out, "commentsMore", json_true());
    return ERR_OK;
}

enum err
his_list(struct ctx *c, const struct app_def *d, const struct his_query *q, json_t **out)
{
    *out = NULL;
    struct head h;
    struct view v;
    enum err e = his_access(c, d, q->id, &h, &v);
    if (e != ERR_OK)
        return e;
    struct db_param pc[] = { DBP_INT(d->id), DBP_INT(q->id) };
    int64_t total = 0;
    bool found;
    int rc = db_query_int(c->db, HIS_SQL_COUNT, pc, 2, &total, &found);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    /* every entry is diffed against the revision before it: fetch that one too */
    int64_t lim, off;
    if (q->asc) {
        off = q->offset > 0 ? q->offset - 1 : 0;
        lim = q->limit + (q->offset > 0 ? 1 : 0);
    } else {
        off = q->offset;
        lim = q->limit + 1;
    }
    struct db_param p[] = { DBP_INT(d->id), DBP_INT(q->id), DBP_INT(lim), DBP_INT(off) };
    struct snap *rows;
    int64_t n;
    e = his_snap_query(c, q->asc ? HIS_SQL_PAGE_ASC : HIS_SQL_PAGE_DESC, p, 4, lim, &rows, &n);
    if (e != ERR_OK)
        return e;
    if (!q->asc)
        for (int64_t i = 0, j = n - 1; i < j; i++, j--) {
            struct snap t = rows[i];
            rows[i] = rows[j];
            rows[j] = t;
        }
    /* rows are oldest first now; rows[0] is only the predecessor when one was fetched */
    int64_t first = q->asc ? (q->offset > 0 && n > 0 ? 1 : 0) : (n == q->limit + 1 ? 1 : 0);
    for (int64_t i = 0; i < n; i++)
        snap_wire(c, d, &v, &rows[i]);
    json_t *entries = his_keep(c, json_array());
    for (int64_t i = first; i < n; i++)
        json_array_append_new(entries, entry(c, d, &v, i > 0 ? &rows[i - 1] : NULL, &rows[i]));
    json_t *res = his_keep(c, json_object());
    json_object_set_new(res, "history", q->asc ? json_incref(entries) : reversed(entries));
    json_object_set_new(res, "total", json_string(i64s(c, total)));
    if (q->with_comments) {
        e = timeline(c, d, q, rows + first, n - first, first == 0, entries, res);
        if (e != ERR_OK)
            return e;
    }
    *out = json_incref(res);
    return ERR_OK;
}

/* ---- as of ------------------------------------------------------------------------------ */

enum err
his_asof(struct ctx *c, const struct app_def *d, int64_t id, int64_t revision, int64_t at,
         json_t **out)
{
    *out = NULL;
    struct head h;
    struct view v;
    enum err e = his_access(c, d, id, &h, &v);
    if (e != ERR_OK)
        return e;
    struct db_param p[] = { DBP_INT(d->id), DBP_INT(id), DBP_INT(revision > 0 ? revision : at) };
    struct snap *s;
    int64_t n;
    e = his_snap_query(c, revision > 0 ? HIS_SQL_ONE : HIS_SQL_AT, p, 3, 1, &s, &n);
    if (e != ERR_OK)
        return e;
    if (n == 0) {
        if (revision > 0)
            fail_field(c->fail, "revision", MSG_BAD_PARAM, NULL);
        else
            fail_field(c->fail, "at", MSG_TEXT,
                       c->lang == LANG_EN ? "The record did not exist yet at that time."
                                          : "その時点ではレコードはまだ作成されていません。");
        return ERR_INVALID;
    }
    struct value_row row = { .id = id,
                             .revision = s->revision,
                             .created_at = h.created_at,
                             .updated_at = s->at,
                             .creator = h.creator,
                             .modifier = s->actor,
                             .status = s->status,
                             .assignees = s->assignees,
                             .data = s->data };
    json_t *w = his_keep(c, value_to_wire(c, d->props, &row, NULL, rec_display_name, c));
    for (const char **hc = v.hidden; hc && *hc; hc++)
        json_object_del(w, *hc);
    char when[24];
    clock_format_utc(s->at, when);
    json_t *res = json_pack("{s:O, s:s, s:s, s:s, s:o}", "record", w, "revision",
                            i64s(c, s->revision), "at", when, "action", s->action, "actor",
                            user_json(c, s->actor));
    if (v.show_removed) {
        json_t *removed = json_object();
        const char *code;
        json_t *m;
        json_object_foreach(s->data, code, m)
        {
            if (!json_object_get(d->props, code))
                json_object_set_new(removed, code, unknown_member(m));
        }
        if (json_object_size(removed))
            json_object_set_new(res, "removedFields", removed);
        else
            json_decref(removed);
    }
    *out = res;
    return ERR_OK;
}
