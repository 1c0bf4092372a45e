/* pdf_check: validation of templates when they are saved — every key of docs/templates.md,
 * field references against the app's properties (inner fields for table columns), formats,
 * fonts, ranges, conditions, and that background and image blobs exist and can be read.
 * Errors are field errors keyed by the template's JSON path. */
#include "core/arena.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "domain/blob.h"
#include "domain/fcond.h"
#include "domain/field.h"
#include "pdf/pdf_int.h"

#include <stdio.h>
#include <string.h>

#define MAX_ELEMENTS 500
#define IMAGE_CHECK_MAX (20u << 20)

void
pdf_field_error(struct ctx *c, const char *key, const char *ja, const char *en)
{
    fail_field(c->fail, key, MSG_TEXT, c->fail->lang == LANG_EN ? en : ja);
}

bool
pdf_page_size(const json_t *def, double *pw, double *ph)
{
    const json_t *page = json_object_get(def, "page");
    const char *size = pdf_str(page, "size", "A4");
    const char *orient = pdf_str(page, "orientation", "portrait");
    double w, h;
    if (!strcmp(size, "A4"))
        w = 210, h = 297;
    else if (!strcmp(size, "A3"))
        w = 297, h = 420;
    else if (!strcmp(size, "B5"))
        w = 182, h = 257;
    else
        return false;
    if (!strcmp(orient, "landscape")) {
        double t = w;
        w = h;
        h = t;
    } else if (strcmp(orient, "portrait")) {
        return false;
    }
    *pw = w;
    *ph = h;
    return true;
}

struct chk {
    struct ctx *c;
    const json_t *props;
    double pw, ph;
    char key[160];
};

static const char *
key(struct chk *k, const char *prefix, const char *name)
{
    snprintf(k->key, sizeof(k->key), "%s%s%s", prefix, *prefix ? "." : "", name);
    return k->key;
}

static void
bad(struct chk *k, const char *prefix, const char *name, const char *ja, const char *en)
{
    pdf_field_error(k->c, key(k, prefix, name), ja, en);
}

/* Optional number in [lo, hi]; required ones must be present. */
static void
num(struct chk *k, const json_t *o, const char *prefix, const char *name, double lo, double hi,
    bool required)
{
    const json_t *v = json_object_get(o, name);
    if (!v && !required)
        return;
    if (!json_is_number(v) || json_number_value(v) < lo || json_number_value(v) > hi) {
        char ja[128], en[128];
        snprintf(ja, sizeof(ja), "%g から %g までの数値を指定してください。", lo, hi);
        snprintf(en, sizeof(en), "Specify a number from %g to %g.", lo, hi);
        bad(k, prefix, name, ja, en);
    }
}

static void
boolean(struct chk *k, const json_t *o, const char *prefix, const char *name)
{
    const json_t *v = json_object_get(o, name);
    if (v && !json_is_boolean(v))
        bad(k, prefix, name, "true か false を指定してください。", "Specify true or false.");
}

static void
one_of(struct chk *k, const json_t *o, const char *prefix, const char *name,
       const char *const *allowed)
{
    const json_t *v = json_object_get(o, name);
    if (!v)
        return;
    const char *s = json_string_value(v);
    for (; s && *allowed; allowed++)
        if (!strcmp(s, *allowed))
            return;
    bad(k, prefix, name, "指定できない値です。", "This value is not allowed.");
}

static const char *const aligns[] = { "left", "center", "right", NULL };
static const char *const fonts[] = { "mincho", "gothic", NULL };

static bool
special(const char *code)
{
    return !strcmp(code, "$id") || !strcmp(code, "$today") || !strcmp(code, "$receiptNo") ||
           !strcmp(code, "$docCode");
}

/* A field of the record (not one inside a table), or a special value. */
static void
field_ref(struct chk *k, const char *code, const char *path)
{
    const char *table;
    if (!code || !*code) {
        fail_field(k->c->fail, path, MSG_REQUIRED, NULL);
        return;
    }
    if (special(code))
        return;
    const json_t *def = field_find(k->props, code, &table);
    enum ftype t = field_def_type(def);
    if (!def || table || !field_type_has_value(t) || t == FT_SUBTABLE)
        fail_field(k->c->fail, path, MSG_UNKNOWN_FIELD, code);
}

/* "{code}" / "{code:pattern}" placeholders of a literal. */
static void
placeholders(struct chk *k, const char *s, const char *path, bool name_ok)
{
    for (const char *p = s; (p = strchr(p, '{'));) {
        const char *close = strchr(p, '}');
        if (!close)
            return;
        char *in = arena_strndup(k->c->arena, p + 1, (size_t)(close - p - 1));
        char *colon = strchr(in, ':');
        if (colon) {
            *colon = '\0';
            if (!pdf_date_pattern_valid(colon + 1))
                pdf_field_error(k->c, path, "日付の書式が正しくありません。",
                                "The date pattern is invalid.");
        }
        if (!(name_ok && !strcmp(in, "帳票名")))
            field_ref(k, in, path);
        p = close + 1;
    }
}

static void
format(struct chk *k, const json_t *o, const char *prefix)
{
    const json_t *f = json_object_get(o, "format");
    const char *why;
    if (f && !pdf_format_valid(f, &why)) {
        char en[96];
        snprintf(en, sizeof(en), "The format is invalid (%s).", why);
        bad(k, prefix, "format", "書式が正しくありません。", en);
    }
}

static void
text_style(struct chk *k, const json_t *el, const char *p)
{
    one_of(k, el, p, "font", fonts);
    one_of(k, el, p, "align", aligns);
    num(k, el, p, "size", 4, 72, false);
    num(k, el, p, "minSize", 2, 72, false);
    boolean(k, el, p, "bold");
}

static void
text_source(struct chk *k, const json_t *el, const char *p)
{
    const json_t *f = json_object_get(el, "field"), *t = json_object_get(el, "text");
    if (f && t)
        bad(k, p, "text", "field と text のどちらか一方を指定してください。",
            "Specify either field or text, not both.");
    else if (f)
        field_ref(k, json_string_value(f), key(k, p, "field"));
    else if (json_is_string(t) && strlen(json_string_value(t)) <= 10000)
        placeholders(k, json_string_value(t), arena_strdup(k->c->arena, key(k, p, "text")), false);
    else
        bad(k, p, "text", "field か text を指定してください。", "Specify field or text.");
    format(k, el, p);
}

static void
columns(struct chk *k, const json_t *cols, const char *p, const json_t *inner)
{
    if (!json_is_array(cols) || !json_array_size(cols) || json_array_size(cols) > 50) {
        bad(k, p, "columns", "列を 1〜50 個指定してください。", "Specify 1 to 50 columns.");
        return;
    }
    size_t j;
    json_t *col;
    json_array_foreach(cols, j, col)
    {
        char *cp = arena_printf(k->c->arena, "%s.columns[%zu]", p, j);
        if (!json_is_object(col)) {
            pdf_field_error(k->c, cp, "列の指定が正しくありません。", "The column is invalid.");
            continue;
        }
        const char *code = json_string_value(json_object_get(col, "field"));
        if (inner) {
            enum ftype t = field_def_type(json_object_get(inner, code ? code : ""));
            if (!code || !*code || (!field_type_has_value(t) && !special(code)))
                fail_field(k->c->fail, key(k, cp, "field"), MSG_UNKNOWN_FIELD, code ? code : "");
        } else {
            field_ref(k, code, key(k, cp, "field"));
        }
        const json_t *title = json_object_get(col, "title");
        if (title && (!json_is_string(title) || strlen(json_string_value(title)) > 200))
            bad(k, cp, "title", "見出しは文字列で指定してください。", "The title must be a string.");
        num(k, col, cp, "w", 1, k->pw, true);
        one_of(k, col, cp, "align", aligns);
        format(k, col, cp);
    }
}

static void
grid_geometry(struct chk *k, const json_t *o, const char *p, double y_dflt)
{
    num(k, o, p, "headerHeight", 2, 50, false);
    num(k, o, p, "rowHeight", 2, 50, false);
    num(k, o, p, "size", 4, 72, false);
    num(k, o, p, "bottom", 0, k->ph, false);
    one_of(k, o, p, "font", fonts);
    double y = pdf_num(o, "y", y_dflt), bottom = pdf_num(o, "bottom", k->ph);
    if (y + pdf_num(o, "headerHeight", 8) + pdf_num(o, "rowHeight", 7) > bottom)
        bad(k, p, "bottom", "表の下端が上端と見出し・1 行分より上にあります。",
            "bottom leaves no room for the header and one row.");
}

static void
blob_file(struct chk *k, const json_t *el, const char *p)
{
    const char *hash = json_string_value(json_object_get(el, "file"));
    struct strbuf sb;
    strbuf_init(&sb, NULL, IMAGE_CHECK_MAX);
    enum err e = hash && blob_hash_valid(hash) ? blob_get(k->c, hash, &sb) : ERR_FILE_NOT_FOUND;
    cairo_surface_t *s = e == ERR_OK ? pdf_image_surface((unsigned char *)sb.buf, sb.len) : NULL;
    strbuf_release(&sb);
    if (s)
        cairo_surface_destroy(s);
    else
        bad(k, p, "file", "画像ファイルがないか、PNG・JPEG ではありません。",
            "The image file is missing or not a PNG or JPEG.");
}

/* The fields a condition reads exist. */
static void
cond_fields(struct chk *k, const json_t *cond, const char *path)
{
    const char *code = json_string_value(json_object_get(cond, "field"));
    if (code)
        field_ref(k, code, path);
    const char *const lists[] = { "all", "any" };
    for (int l = 0; l < 2; l++) {
        size_t i;
        json_t *c;
        json_array_foreach(json_object_get(cond, lists[l]), i, c)
            cond_fields(k, c, path);
    }
    const json_t *neg = json_object_get(cond, "not");
    if (neg)
        cond_fields(k, neg, path);
}

static void
element(struct chk *k, size_t i, const json_t *el)
{
    char *p = arena_printf(k->c->arena, "elements[%zu]", i);
    static const char *const pages[] = { "first", "all", "last", NULL };
    static const char *const marks[] = { "✓", "○", "■", "×", NULL };
    if (!json_is_object(el)) {
        pdf_field_error(k->c, p, "要素はオブジェクトで指定してください。",
                        "An element must be an object.");
        return;
    }
    const char *t = pdf_str(el, "type", "");
    num(k, el, p, "x", 0, k->pw, true);
    num(k, el, p, "y", 0, k->ph, true);
    one_of(k, el, p, "pages", pages);
    const json_t *cond = json_object_get(el, "if");
    const char *why;
    if (cond && !fcond_valid(cond, &why)) {
        char en[128];
        snprintf(en, sizeof(en), "The condition is invalid (%s).", why);
        bad(k, p, "if", "条件が正しくありません。", en);
    } else if (cond) {
        cond_fields(k, cond, arena_strdup(k->c->arena, key(k, p, "if")));
    }
    if (!strcmp(t, "text")) {
        text_source(k, el, p);
        text_style(k, el, p);
        num(k, el, p, "w", 1, k->pw, false);
    } else if (!strcmp(t, "textbox")) {
        text_source(k, el, p);
        text_style(k, el, p);
        num(k, el, p, "w", 1, k->pw, true);
        num(k, el, p, "h", 1, k->ph, true);
        num(k, el, p, "lineHeight", 0.8, 3, false);
    } else if (!strcmp(t, "check")) {
        field_ref(k, json_string_value(json_object_get(el, "field")), key(k, p, "field"));
        if (!json_is_string(json_object_get(el, "value")))
            bad(k, p, "value", "値を指定してください。", "Specify the value.");
        num(k, el, p, "size", 1, 30, false);
        one_of(k, el, p, "mark", marks);
    } else if (!strcmp(t, "line")) {
        num(k, el, p, "x2", 0, k->pw, true);
        num(k, el, p, "y2", 0, k->ph, true);
        num(k, el, p, "width", 0.05, 5, false);
    } else if (!strcmp(t, "rect")) {
        num(k, el, p, "w", 0.1, k->pw, true);
        num(k, el, p, "h", 0.1, k->ph, true);
        num(k, el, p, "width", 0, 5, false);
        const char *fill = pdf_str(el, "fill", NULL);
        if (json_object_get(el, "fill") &&
            (!fill || strlen(fill) != 7 || fill[0] != '#' ||
             strspn(fill + 1, "0123456789abcdefABCDEF") != 6))
            bad(k, p, "fill", "色は #rrggbb で指定してください。", "Specify the colour as #rrggbb.");
    } else if (!strcmp(t, "table")) {
        const char *code = pdf_str(el, "field", "");
        const char *table;
        const json_t *def = field_find(k->props, code, &table);
        if (!def || table)
            fail_field(k->c->fail, key(k, p, "field"), MSG_UNKNOWN_FIELD, code);
        else if (field_def_type(def) != FT_SUBTABLE)
            bad(k, p, "field", "テーブル（SUBTABLE）のフィールドを指定してください。",
                "The field must be a table (SUBTABLE).");
        else
            columns(k, json_object_get(el, "columns"), p, json_object_get(def, "fields"));
        grid_geometry(k, el, p, pdf_num(el, "y", 0));
    } else if (!strcmp(t, "image")) {
        blob_file(k, el, p);
        num(k, el, p, "w", 1, k->pw, true);
        num(k, el, p, "h", 1, k->ph, true);
    } else if (!strcmp(t, "qr")) {
        num(k, el, p, "size", 5, 100, false);
        boolean(k, el, p, "code");
    } else if (!strcmp(t, "pageNumber")) {
        const json_t *f = json_object_get(el, "format");
        if (f && (!json_is_string(f) || strlen(json_string_value(f)) > 100))
            bad(k, p, "format", "書式は {page} と {pages} を含む文字列です。",
                "The format is a string with {page} and {pages}.");
        text_style(k, el, p);
        num(k, el, p, "w", 1, k->pw, false);
    } else {
        bad(k, p, "type", "要素の種類が正しくありません。", "Unknown element type.");
    }
}

static void
top(struct chk *k, const json_t *def)
{
    static const char *const kinds[] = { "record", "list", NULL };
    const char *code = json_string_value(json_object_get(def, "code"));
    size_t n = code ? strlen(code) : 0;
    if (!code || n < 1 || n > 32 || strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789_-") != n)
        bad(k, "", "code", "コードは半角英小文字・数字・_・- の 1〜32 文字です。",
            "The code is 1 to 32 of a-z 0-9 _ -.");
    const char *name = json_string_value(json_object_get(def, "name"));
    size_t nl = name ? text_length(name, strlen(name)) : 0;
    if (!name || nl < 1 || nl > 100 || text_blank(name))
        bad(k, "", "name", "帳票名は 1〜100 文字です。", "The name is 1 to 100 characters.");
    one_of(k, def, "", "kind", kinds);
    one_of(k, def, "", "font", fonts);
    num(k, def, "", "size", 4, 72, false);
    boolean(k, def, "", "verify");
    const json_t *page = json_object_get(def, "page");
    if (page && !json_is_object(page)) {
        bad(k, "", "page", "用紙の指定が正しくありません。", "The page is invalid.");
    } else if (page) {
        static const char *const sizes[] = { "A4", "A3", "B5", NULL };
        static const char *const orients[] = { "portrait", "landscape", NULL };
        one_of(k, page, "page", "size", sizes);
        one_of(k, page, "page", "orientation", orients);
        const json_t *m = json_object_get(page, "margin");
        bool ok = !m || (json_is_array(m) && json_array_size(m) == 4);
        for (size_t i = 0; ok && m && i < 4; i++) {
            const json_t *v = json_array_get(m, i);
            ok = json_is_number(v) && json_number_value(v) >= 0 && json_number_value(v) <= 100;
        }
        if (!ok)
            bad(k, "page", "margin", "余白は [上, 右, 下, 左] を 0〜100 mm で指定してください。",
                "The margin is [top, right, bottom, left], 0 to 100 mm each.");
    }
    const json_t *fn = json_object_get(def, "fileName");
    if (fn && (!json_is_string(fn) || strlen(json_string_value(fn)) > 200))
        bad(k, "", "fileName", "ファイル名は 200 バイト以下の文字列です。",
            "The file name is a string of at most 200 bytes.");
    else if (fn)
        placeholders(k, json_string_value(fn), "fileName", true);
    const json_t *aut = json_object_get(def, "auto");
    if (aut && !json_is_array(aut)) {
        bad(k, "", "auto", "配列で指定してください。", "Specify an array.");
    } else if (aut) {
        size_t i;
        json_t *a;
        json_array_foreach(aut, i, a)
        {
            char *p = arena_printf(k->c->arena, "auto[%zu]", i);
            const char *st = json_string_value(json_object_get(a, "status"));
            if (!st || !*st || strlen(st) > 300)
                bad(k, p, "status", "ステータスを指定してください。", "Specify the status.");
            boolean(k, a, p, "deliver");
        }
    }
}

static void
background(struct chk *k, const json_t *def)
{
    const json_t *bg = json_object_get(def, "background");
    if (!bg || json_is_null(bg))
        return;
    struct pdf_bg *b = NULL;
    int n = 0;
    enum err e = pdf_bg_acquire(k->c, pdf_str(bg, "file", ""), &b, &n);
    pdf_bg_release(b);
    if (e != ERR_OK) {
        bad(k, "background", "file", "背景の PDF がないか、PDF として読めません。",
            "The background PDF is missing or cannot be read.");
        return;
    }
    num(k, bg, "background", "page", 1, n, false);
}

enum err
pdf_template_check(struct ctx *c, const json_t *def, const json_t *props)
{
    struct chk k = { .c = c, .props = props };
    if (!json_is_object(def)) {
        pdf_field_error(c, "template", "テンプレートは JSON オブジェクトです。",
                        "The template must be a JSON object.");
        return ERR_INVALID;
    }
    if (!pdf_page_size(def, &k.pw, &k.ph)) {
        k.pw = 210;
        k.ph = 297;
    }
    top(&k, def);
    background(&k, def);
    const json_t *els = json_object_get(def, "elements");
    if (els && (!json_is_array(els) || json_array_size(els) > MAX_ELEMENTS)) {
        bad(&k, "", "elements", "要素は 500 個以下の配列です。",
            "elements is an array of at most 500.");
    } else {
        size_t i;
        json_t *el;
        json_array_foreach(els, i, el)
            element(&k, i, el);
    }
    const char *kind = pdf_str(def, "kind", "record");
    const json_t *list = json_object_get(def, "list");
    if (!strcmp(kind, "list")) {
        if (!json_is_object(list)) {
            bad(&k, "", "list", "一覧の行（list）を指定してください。", "Specify list.");
        } else {
            columns(&k, json_object_get(list, "columns"), "list", NULL);
            num(&k, list, "list", "x", 0, k.pw, false);
            num(&k, list, "list", "y", 0, k.ph, false);
            grid_geometry(&k, list, "list", 15);
        }
    }
    return fail_has_fields(c->fail) ? ERR_INVALID : ERR_OK;
}
