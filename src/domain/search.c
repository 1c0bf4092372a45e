/* The record_search index: extracts the text of each searchable field of a record, folds it
 * and replaces the record's rows. SQL in search_sql.h; the query side is query_sql.c. */
#include "domain/search.h"

#include "core/arena.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "db/db.h"
#include "domain/search_sql.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ROWID_APP_BITS   21
#define ROWID_REC_SHIFT  10
#define ROWID_APP_SHIFT  42
#define ROWID_MAX_FIELDS (1 << ROWID_REC_SHIFT)

/* ---- rich text ---- */

static void
add_utf8(struct strbuf *sb, unsigned long cp)
{
    char b[4];
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return;
    if (cp < 0x80) {
        strbuf_addc(sb, (char)cp);
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        strbuf_add(sb, b, 2);
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        strbuf_add(sb, b, 3);
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        strbuf_add(sb, b, 4);
    }
}

/* Decodes the entity at s ('&'); returns the bytes consumed, 0 if it is not one. */
static size_t
entity(struct strbuf *sb, const char *s)
{
    static const struct {
        const char *name;
        const char *text;
    } named[] = { { "amp", "&" },   { "lt", "<" },   { "gt", ">" },
                  { "quot", "\"" }, { "apos", "'" }, { "nbsp", " " } };
    const char *semi = strchr(s, ';');
    if (!semi || semi - s > 12)
        return 0;
    size_t n = (size_t)(semi - s - 1);
    if (s[1] == '#') {
        char *end;
        bool hex = s[2] == 'x' || s[2] == 'X';
        unsigned long cp = strtoul(s + (hex ? 3 : 2), &end, hex ? 16 : 10);
        if (end != semi || end == s + (hex ? 3 : 2))
            return 0;
        add_utf8(sb, cp);
        return n + 2;
    }
    for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
        if (strlen(named[i].name) == n && strncasecmp(s + 1, named[i].name, n) == 0) {
            strbuf_adds(sb, named[i].text);
            return n + 2;
        }
    }
    return 0;
}

/* Tags after which text does not run on into the next word. */
static bool
breaks_line(const char *tag, size_t n)
{
    static const char *blocks[] = { "br",  "p",  "div", "li",    "tr", "td", "th",
                                    "h1",  "h2", "h3",  "h4",    "h5", "h6", "blockquote",
                                    "pre", "ul", "ol",  "table", "hr" };
    for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
        if (strlen(blocks[i]) == n && strncasecmp(tag, blocks[i], n) == 0)
            return true;
    return false;
}

char *
search_html_to_text(struct arena *a, const char *html)
{
    struct strbuf sb;
    strbuf_init(&sb, a, 0);
    const char *p = html;
    while (*p) {
        if (*p == '<') {
            if (strncmp(p, "<!--", 4) == 0) {
                const char *end = strstr(p + 4, "-->");
                p = end ? end + 3 : p + strlen(p);
                continue;
            }
            const char *t = p + 1 + (p[1] == '/');
            size_t n = strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
            const char *end = strchr(p, '>');
            if (!n || !end) { /* a lone '<' is text */
                strbuf_addc(&sb, *p++);
                continue;
            }
            if (breaks_line(t, n) && sb.len && sb.buf[sb.len - 1] != '\n')
                strbuf_addc(&sb, '\n');
            p = end + 1;
            continue;
        }
        if (*p == '&') {
            size_t used = entity(&sb, p);
            if (used) {
                p += used;
                continue;
            }
        }
        strbuf_addc(&sb, *p++);
    }
    return sb.buf;
}

/* ---- field text ---- */

enum kind {
    K_NONE,
    K_TEXT,
    K_RICH,
    K_FILE
};

static enum kind
kind_of(const json_t *def)
{
    const char *type = json_string_value(json_object_get(def, "type"));
    if (!type)
        return K_NONE;
    if (strcmp(type, "SINGLE_LINE_TEXT") == 0 || strcmp(type, "MULTI_LINE_TEXT") == 0 ||
        strcmp(type, "LINK") == 0)
        return K_TEXT;
    if (strcmp(type, "RICH_TEXT") == 0)
        return K_RICH;
    if (strcmp(type, "FILE") == 0)
        return K_FILE;
    return K_NONE;
}

static const char *
value_text(struct arena *a, enum kind k, const json_t *value)
{
    if (k == K_TEXT)
        return json_string_value(value);
    if (k == K_RICH) {
        const char *html = json_string_value(value);
        return html ? search_html_to_text(a, html) : NULL;
    }
    if (k != K_FILE || !json_is_array(value))
        return NULL;
    struct strbuf sb;
    size_t i;
    const json_t *f;
    strbuf_init(&sb, a, 0);
    json_array_foreach((json_t *)value, i, f)
    {
        const char *name = json_string_value(json_object_get(f, "name"));
        if (!name || !*name)
            continue;
        if (sb.len)
            strbuf_addc(&sb, '\n');
        strbuf_adds(&sb, name);
    }
    return sb.buf;
}

const char *
search_field_text(struct arena *a, const json_t *def, const json_t *value)
{
    const char *t = value_text(a, kind_of(def), value);
    return t && !text_blank(t) ? t : NULL;
}

/* Values of one inner field over all rows of a subtable, joined by "\n". */
static const char *
table_text(struct arena *a, const json_t *def, const json_t *rows, const char *inner)
{
    struct strbuf sb;
    size_t i;
    const json_t *row;
    strbuf_init(&sb, a, 0);
    json_array_foreach((json_t *)rows, i, row)
    {
        const json_t *v = json_object_get(json_object_get(row, "value"), inner);
        const char *t = search_field_text(a, def, v);
        if (!t)
            continue;
        if (sb.len)
            strbuf_addc(&sb, '\n');
        strbuf_adds(&sb, t);
    }
    return sb.len ? sb.buf : NULL;
}

/* ---- rows ---- */

struct writer {
    struct ctx *c;
    int64_t app_id, record_id;
    int n;
};

static enum err
db_fail(struct ctx *c, int rc, const char *what)
{
    log_error("search: %s: %s", what, db_errmsg(c->db));
    return fail_set(c->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
}

static bool
rowid_range_ok(int64_t app_id, int64_t record_id)
{
    return app_id >= 0 && app_id < ((int64_t)1 << ROWID_APP_BITS) && record_id >= 0 &&
           record_id < ((int64_t)1 << (ROWID_APP_SHIFT - ROWID_REC_SHIFT));
}

static int64_t
rowid_base(int64_t app_id, int64_t record_id)
{
    return (app_id << ROWID_APP_SHIFT) | (record_id << ROWID_REC_SHIFT);
}

bool
search_sqlite_app_rowids(int64_t app_id, int64_t *lo, int64_t *hi)
{
    if (!rowid_range_ok(app_id, 0))
        return false;
    *lo = app_id << ROWID_APP_SHIFT;
    *hi = *lo + ((int64_t)1 << ROWID_APP_SHIFT) - 1;
    return true;
}

static enum err
put(struct writer *w, const char *field, const char *text)
{
    struct ctx *c = w->c;
    const char *body = text_fold(c->arena, text, strlen(text));
    int rc;
    if (db_kind(c->db) == DB_SQLITE) {
        if (w->n >= ROWID_MAX_FIELDS) {
            log_error("search: more than %d text fields in app %lld", ROWID_MAX_FIELDS,
                      (long long)w->app_id);
            return fail_set(c->fail, ERR_INTERNAL, NULL);
        }
        struct db_param p[] = { DBP_INT(rowid_base(w->app_id, w->record_id) + w->n), DBP_TEXT(body),
                                DBP_INT(w->app_id), DBP_INT(w->record_id), DBP_TEXT(field) };
        rc = db_exec(c->db, SEARCH_SQLITE_INSERT, p, 5, NULL);
    } else {
        struct db_param p[] = { DBP_INT(w->app_id), DBP_INT(w->record_id), DBP_TEXT(field),
                                DBP_TEXT(body) };
        rc = db_exec(c->db, SEARCH_PG_INSERT, p, 4, NULL);
    }
    w->n++;
    return rc == DB_OK ? ERR_OK : db_fail(c, rc, "insert");
}

int64_t
search_sqlite_rowid(int64_t app_id, int64_t record_id, int n)
{
    return rowid_base(app_id, record_id) + n;
}

enum err
search_delete_record(struct ctx *c, int64_t app_id, int64_t record_id)
{
    int rc;
    if (db_kind(c->db) == DB_SQLITE) {
        if (!rowid_range_ok(app_id, record_id)) {
            log_error("search: ids out of range (app %lld, record %lld)", (long long)app_id,
                      (long long)record_id);
            return fail_set(c->fail, ERR_INTERNAL, NULL);
        }
        int64_t base = rowid_base(app_id, record_id);
        struct db_param p[] = { DBP_INT(base), DBP_INT(base + ROWID_MAX_FIELDS - 1) };
        rc = db_exec(c->db, SEARCH_SQLITE_DELETE, p, 2, NULL);
    } else {
        struct db_param p[] = { DBP_INT(app_id), DBP_INT(record_id) };
        rc = db_exec(c->db, SEARCH_PG_DELETE, p, 2, NULL);
    }
    return rc == DB_OK ? ERR_OK : db_fail(c, rc, "delete");
}

enum err
search_index_record(struct ctx *c, int64_t app_id, int64_t record_id, const json_t *props,
                    const json_t *data)
{
    struct writer w = { .c = c, .app_id = app_id, .record_id = record_id };
    const char *code;
    const json_t *def;
    enum err e = search_delete_record(c, app_id, record_id);
    if (e)
        return e;
    json_object_foreach((json_t *)props, code, def)
    {
        const json_t *value = json_object_get(data, code);
        const char *type = json_string_value(json_object_get(def, "type"));
        if (!value || !type)
            continue;
        if (strcmp(type, "SUBTABLE") == 0) {
            const char *inner;
            const json_t *idef;
            json_object_foreach(json_object_get(def, "fields"), inner, idef)
            {
                if (kind_of(idef) == K_NONE)
                    continue;
                const char *t = table_text(c->arena, idef, value, inner);
                e = t ? put(&w, inner, t) : ERR_OK;
                if (e)
                    return e;
            }
            continue;
        }
        const char *t = search_field_text(c->arena, def, value);
        e = t ? put(&w, code, t) : ERR_OK;
        if (e)
            return e;
    }
    return ERR_OK;
}
