/* The form itself, one step at a time, without JavaScript: /apply/ (open forms), /apply/{code}
 * (the current step of the applicant's draft), /apply/{code}/check (check your answers),
 * POST /apply/{code} (save, next, back; multipart when the step has files) and
 * POST /apply/{code}/submit, then /apply/{code}/done. Every answer is saved in the draft on
 * every step, so nothing typed is lost; rules and validation are the server's (form_eval). */
#include "apply.h"

#include "api/auth_http.h"
#include "core/arena.h"
#include "core/clock.h"
#include "db/db.h"
#include "domain/applicant.h"
#include "domain/fcond.h"
#include "domain/form.h"
#include "http/multipart.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct view {
    struct req *r;
    struct form f;
    struct applicant a;
    struct form_draft d;
    bool has_draft;
    json_t *clean;  /* visible answers (new reference, owned via arena) */
    json_t *errors; /* {code: {messages:[...]}} of the shown step, or NULL */
    json_t *files;  /* [{id, field, name, contentType, size}] */
    const char *notice; /* a line above the step (saved, more questions) or NULL */
    int step;
};

static void
decref(void *p)
{
    json_decref(p);
}

static json_t *
keep(struct req *r, json_t *v)
{
    if (v)
        arena_defer(r->arena, decref, v);
    return v;
}

static struct fcond_env
env_of(struct req *r)
{
    struct fcond_env env = { .today = (r->ctx.now + (int64_t)r->ctx.tz_offset * 60) / 86400 };
    return env;
}

static const json_t *
pages_of(const struct form *f)
{
    return json_object_get(f->def, "pages");
}

static bool
shown(struct req *r, const json_t *item, const json_t *clean)
{
    const json_t *cond = json_object_get(item, "showIf");
    struct fcond_env env = env_of(r);
    return !cond || json_is_null(cond) || fcond_eval(cond, clean, &env);
}

/* Next (dir +1) or previous (-1) step shown from `from`; -1 / npages when none. */
static int
step_from(struct view *v, int from, int dir)
{
    const json_t *pages = pages_of(&v->f);
    int n = (int)json_array_size(pages);
    for (int i = from; i >= 0 && i < n; i += dir)
        if (shown(v->r, json_array_get(pages, (size_t)i), v->clean))
            return i;
    return dir > 0 ? n : -1;
}

/* The applicant, the form and the draft; redirects to verification when needed (*done). */
static enum err
load(struct req *r, const char *code, struct view *v, bool *redirected)
{
    memset(v, 0, sizeof(*v));
    v->r = r;
    *redirected = false;
    if (applicant_session(&r->ctx, api_cookie(r, APPLICANT_COOKIE), &v->a) != ERR_OK) {
        fail_init(&r->fail, r->arena, r->ctx.lang);
        *redirected = true;
        return page_redirect(r, arena_printf(r->arena, "/apply/verify?form=%s", code));
    }
    enum err e = form_draft_get(&r->ctx, &v->a, code, &v->d, &v->has_draft);
    if (e != ERR_OK)
        return e;
    e = form_load(&r->ctx, code, v->has_draft ? v->d.form_version : 0, &v->f);
    if (e != ERR_OK)
        return e;
    if (!v->has_draft) {
        /* a closed or offline form takes no new applications; a started one may be finished */
        e = form_check_open(&r->ctx, &v->f);
        if (e != ERR_OK)
            return e;
    }
    json_t *answers = v->has_draft ? v->d.answers : keep(r, json_object());
    json_t *errs = NULL;
    form_eval(&r->ctx, &v->f, answers, NULL, -2, &v->clean, &errs);
    json_decref(errs);
    keep(r, v->clean);
    v->files = keep(r, json_array());
    if (v->has_draft) {
        json_t *dj = NULL;
        e = form_draft_json(&r->ctx, &v->d, code, &dj);
        if (e != ERR_OK)
            return e;
        keep(r, dj);
        v->files = json_object_get(dj, "files");
    }
    v->step = v->has_draft ? (int)v->d.step : 0;
    v->step = step_from(v, v->step, +1);
    if (v->step >= (int)json_array_size(pages_of(&v->f)))
        v->step = step_from(v, v->step - 1, -1);
    if (v->step < 0)
        v->step = 0;
    return ERR_OK;
}

/* ---- rendering ------------------------------------------------------------------------- */

static const char *
field_type(const struct form *f, const char *code)
{
    return json_string_value(json_object_get(json_object_get(f->props, code), "type"));
}

/* The app field's options in their index order (arena array of labels, NULL-terminated). */
static const char **
options(struct req *r, const struct form *f, const char *code)
{
    const json_t *opts = json_object_get(json_object_get(f->props, code), "options");
    size_t n = json_object_size(opts);
    const char **out = arena_alloc(r->arena, sizeof(char *) * (n + 1));
    for (size_t i = 0; i <= n; i++)
        out[i] = NULL;
    const char *label;
    const json_t *o;
    json_object_foreach((json_t *)opts, label, o)
    {
        const json_t *ix = json_object_get(o, "index");
        size_t k = json_is_string(ix) ? (size_t)atol(json_string_value(ix)) : 0;
        if (k >= n || out[k])
            for (k = 0; k < n && out[k]; k++)
                ;
        if (k < n)
            out[k] = label;
    }
    return out;
}

/* The choices of a hierarchical field ({"optionsTree", "parent"} in its rules) for the
 * answers so far: the keys (or the list) of the tree's node that the answers of the levels
 * above lead to; NULL when the field has no tree. */
static const char **
tree_options(struct req *r, const json_t *rules, const json_t *clean)
{
    const json_t *node = json_object_get(rules, "optionsTree");
    if (!node)
        return NULL;
    const json_t *par = json_object_get(rules, "parent");
    json_t *list = json_is_string(par) ? json_pack("[O]", par) : json_incref((json_t *)par);
    size_t i;
    const json_t *p;
    json_array_foreach(list, i, p)
    {
        const json_t *a = json_object_get(clean, json_string_value(p));
        node = json_is_string(a) && json_is_object(node) ? json_object_get(node, json_string_value(a))
                                                         : NULL;
        if (!node)
            break;
    }
    json_decref(list);
    size_t n = json_is_object(node) ? json_object_size(node) : json_is_array(node) ? json_array_size(node) : 0;
    const char **out = arena_alloc(r->arena, sizeof(char *) * (n + 1));
    size_t k = 0;
    if (json_is_object(node)) {
        const char *key;
        const json_t *x;
        json_object_foreach((json_t *)node, key, x)
            out[k++] = key;
    } else {
        json_array_foreach(node, i, p)
        if (json_is_string(p))
            out[k++] = json_string_value(p);
    }
    out[k] = NULL;
    return out;
}

static bool
has_value(const json_t *answer, const char *v)
{
    if (json_is_string(answer))
        return strcmp(json_string_value(answer), v) == 0;
    size_t i;
    const json_t *x;
    json_array_foreach(answer, i, x)
    if (json_is_string(x) && strcmp(json_string_value(x), v) == 0)
        return true;
    return false;
}

/* id of a field's input: "f" + index (field codes may hold any character). */
static const char *
fid(struct req *r, int page, int sec, int fld)
{
    return arena_printf(r->arena, "f%d-%d-%d", page, sec, fld);
}

static void
render_field(struct page *pg, struct view *v, const json_t *entry, const char *id, bool visible)
{
    struct req *r = v->r;
    const char *code = json_string_value(json_object_get(entry, "code"));
    const char *type = field_type(&v->f, code);
    const char *label = form_field_label(&r->ctx, &v->f, code);
    const char *help = json_string_value(json_object_get(entry, "help"));
    const json_t *rules = json_object_get(entry, "rules");
    bool required = json_is_true(json_object_get(rules, "required")) ||
                    json_object_get(entry, "requiredIf");
    const json_t *answer = json_object_get(v->clean, code);
    const json_t *msgs = json_object_get(json_object_get(v->errors, code), "messages");
    const char *name = arena_printf(r->arena, "a.%s", code);
    bool group = type && (!strcmp(type, "RADIO_BUTTON") || !strcmp(type, "CHECK_BOX") ||
                          !strcmp(type, "MULTI_SELECT"));
    bool has_help = help || (json_object_get(entry, "compute") && !json_is_null(json_object_get(entry, "compute")));
    const char *described = arena_printf(r->arena, "%s%s", has_help ? id : "", has_help ? "-help" : "");
    if (json_array_size(msgs))
        described = arena_printf(r->arena, "%s%s%s-error", described, *described ? " " : "", id);
    page_raw(pg, json_array_size(msgs) ? "<div class=\"field has-error\"" : "<div class=\"field\"");
    page_printf(pg, " data-field=\"%s\"%s>", id, visible ? "" : " hidden");
    if (group) {
        page_printf(pg, "<fieldset id=\"%s\"%s%s%s><legend>", id, *described ? " aria-describedby=\"" : "",
                    described, *described ? "\"" : "");
    } else {
        page_printf(pg, "<label for=\"%s\">", id);
    }
    page_text(pg, label);
    page_raw(pg, required ? " <span class=\"req\">必須</span>" : " <span class=\"opt\">任意</span>");
    page_raw(pg, group ? "</legend>\n" : "</label>\n");
    bool computed = json_object_get(entry, "compute") && !json_is_null(json_object_get(entry, "compute"));
    if (help || computed) {
        page_printf(pg, "<p class=\"help\" id=\"%s-help\">", id);
        page_text(pg, help ? help : "");
        if (computed)
            page_raw(pg, help ? " （ほかの回答から自動で計算されます）" : "ほかの回答から自動で計算されます。");
        page_raw(pg, "</p>\n");
    }
    if (json_array_size(msgs)) {
        page_printf(pg, "<p class=\"error-msg\" id=\"%s-error\"><span class=\"icon\" aria-hidden=\"true\">!</span>", id);
        page_text(pg, json_string_value(json_array_get(msgs, 0)));
        page_raw(pg, "</p>\n");
    }
    const char *aria = arena_printf(r->arena, "%s%s%s%s%s", *described ? " aria-describedby=\"" : "",
                                    described, *described ? "\"" : "",
                                    json_array_size(msgs) ? " aria-invalid=\"true\"" : "",
                                    visible ? "" : " disabled");
    if (!type) {
        page_raw(pg, "</div>\n");
        return;
    }
    if (group) {
        bool multi = strcmp(type, "RADIO_BUTTON") != 0;
        const char **opts = options(r, &v->f, code);
        for (int i = 0; opts[i]; i++) {
            page_printf(pg, "<label class=\"choice\"><input type=\"%s\" name=\"", multi ? "checkbox" : "radio");
            page_text(pg, name);
            page_raw(pg, multi ? "[]\" value=\"" : "\" value=\"");
            page_text(pg, opts[i]);
            page_raw(pg, has_value(answer, opts[i]) ? "\" checked" : "\"");
            page_raw(pg, visible ? "> " : " disabled> ");
            page_text(pg, opts[i]);
            page_raw(pg, "</label>\n");
        }
        page_raw(pg, "</fieldset>");
    } else if (!strcmp(type, "DROP_DOWN")) {
        page_printf(pg, "<select id=\"%s\" name=\"", id);
        page_text(pg, name);
        page_printf(pg, "\"%s><option value=\"\">選択してください</option>", aria);
        const char **opts = tree_options(r, rules, v->clean);
        if (!opts)
            opts = options(r, &v->f, code);
        for (int i = 0; opts[i]; i++) {
            page_raw(pg, "<option value=\"");
            page_text(pg, opts[i]);
            page_raw(pg, has_value(answer, opts[i]) ? "\" selected>" : "\">");
            page_text(pg, opts[i]);
            page_raw(pg, "</option>");
        }
        page_raw(pg, "</select>");
    } else if (!strcmp(type, "MULTI_LINE_TEXT")) {
        page_printf(pg, "<textarea id=\"%s\" name=\"", id);
        page_text(pg, name);
        page_printf(pg, "\"%s>", aria);
        page_text(pg, json_string_value(answer));
        page_raw(pg, "</textarea>");
    } else if (!strcmp(type, "FILE")) {
        size_t i;
        const json_t *fl;
        bool any = false;
        json_array_foreach(v->files, i, fl)
        {
            if (strcmp(json_string_value(json_object_get(fl, "field")), code) != 0)
                continue;
            if (!any)
                page_raw(pg, "<ul class=\"files\">");
            any = true;
            page_raw(pg, "<li>添付済み: ");
            page_text(pg, json_string_value(json_object_get(fl, "name")));
            page_raw(pg, "</li>");
        }
        if (any)
            page_raw(pg, "</ul>");
        page_printf(pg, "<input type=\"file\" id=\"%s\" name=\"", id);
        page_text(pg, name);
        const json_t *accept = json_object_get(rules, "accept");
        if (json_array_size(accept)) {
            page_raw(pg, "\" accept=\"");
            size_t k;
            const json_t *t;
            json_array_foreach(accept, k, t)
            {
                if (k)
                    page_raw(pg, ",");
                page_text(pg, json_string_value(t));
            }
        }
        page_printf(pg, "\"%s>", aria);
    } else {
        const char *format = json_string_value(json_object_get(rules, "format"));
        const char *itype = "text", *extra = "";
        if (!strcmp(type, "DATE"))
            itype = "date";
        else if (!strcmp(type, "NUMBER"))
            extra = " inputmode=\"decimal\"";
        else if (format && !strcmp(format, "email"))
            itype = "email", extra = " autocomplete=\"email\" spellcheck=\"false\"";
        else if (format && !strcmp(format, "phone"))
            itype = "tel", extra = " autocomplete=\"tel\"";
        else if (format && !strcmp(format, "postcode"))
            extra = " inputmode=\"numeric\" autocomplete=\"postal-code\"";
        /* a computed answer is shown, not typed (the server computes it again anyway) */
        page_printf(pg, "<input type=\"%s\" id=\"%s\" name=\"", computed ? "text" : itype, id);
        page_text(pg, name);
        page_raw(pg, "\" value=\"");
        page_text(pg, json_string_value(answer));
        page_printf(pg, "\"%s%s%s>", computed ? " readonly" : extra, aria,
                    computed ? " data-computed=\"1\"" : "");
    }
    page_raw(pg, "</div>\n");
}

static bool
step_has_files(struct view *v, const json_t *page)
{
    size_t i, k;
    const json_t *s, *e;
    json_array_foreach(json_object_get(page, "sections"), i, s)
    json_array_foreach(json_object_get(s, "fields"), k, e)
    {
        const char *t = field_type(&v->f, json_string_value(json_object_get(e, "code")));
        if (t && !strcmp(t, "FILE"))
            return true;
    }
    return false;
}

static void
error_summary(struct page *pg, struct view *v, const json_t *page)
{
    if (!json_object_size(v->errors))
        return;
    page_raw(pg, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" id=\"errors\">"
                 "<h2>入力内容を確認してください</h2><ul>");
    size_t i, k;
    const json_t *s, *e;
    json_array_foreach(json_object_get(page, "sections"), i, s)
    json_array_foreach(json_object_get(s, "fields"), k, e)
    {
        const char *code = json_string_value(json_object_get(e, "code"));
        const json_t *msgs = json_object_get(json_object_get(v->errors, code), "messages");
        if (!json_array_size(msgs))
            continue;
        page_printf(pg, "<li><a href=\"#%s\">", fid(v->r, v->step, (int)i, (int)k));
        page_text(pg, form_field_label(&v->r->ctx, &v->f, code));
        page_raw(pg, ": ");
        page_text(pg, json_string_value(json_array_get(msgs, 0)));
        page_raw(pg, "</a></li>");
    }
    page_raw(pg, "</ul></div>\n");
}

static void
steps_nav(struct page *pg, struct view *v, bool check)
{
    const json_t *pages = pages_of(&v->f);
    page_raw(pg, "<ol class=\"steps\" aria-label=\"手続の流れ\">");
    size_t i;
    const json_t *p;
    json_array_foreach(pages, i, p)
    {
        if (!shown(v->r, p, v->clean))
            continue;
        page_raw(pg, !check && (int)i == v->step ? "<li aria-current=\"step\">" : "<li>");
        page_text(pg, json_string_value(json_object_get(p, "title")));
        page_raw(pg, "</li>");
    }
    page_raw(pg, check ? "<li aria-current=\"step\">確認</li>" : "<li>確認</li>");
    page_raw(pg, "</ol>\n");
}

/* What the enhancement script needs (web/js/apply.js): the step's fields with their rules
 * and conditions, the answers so far, today. A data block, not a script: the CSP allows it. */
static void
script_data(struct page *pg, struct view *v, const json_t *page)
{
    struct req *r = v->r;
    json_t *fields = json_array();
    size_t i, k;
    const json_t *s, *e;
    json_array_foreach(json_object_get(page, "sections"), i, s)
    json_array_foreach(json_object_get(s, "fields"), k, e)
    {
        const char *code = json_string_value(json_object_get(e, "code"));
        json_t *f = json_pack("{s:s,s:s,s:s?}", "code", code, "id", fid(r, v->step, (int)i, (int)k),
                              "type", field_type(&v->f, code));
        const char *keys[] = { "rules", "showIf", "requiredIf", "compute" };
        for (size_t j = 0; j < 4; j++)
            if (json_object_get(e, keys[j]))
                json_object_set(f, keys[j], json_object_get(e, keys[j]));
        if (json_object_get(s, "showIf"))
            json_object_set(f, "sectionShowIf", json_object_get(s, "showIf"));
        json_array_append_new(fields, f);
    }
    char today[16];
    clock_format_date((r->ctx.now + (int64_t)r->ctx.tz_offset * 60) / 86400, today);
    json_t *d = json_pack("{s:s,s:i,s:o,s:O,s:s}", "code", v->f.code, "step", v->step, "fields",
                          fields, "answers", v->clean, "today", today);
    char *text = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    if (!text)
        return;
    page_raw(pg, "<script type=\"application/json\" id=\"form-data\">");
    /* "<" cannot end the block: JSON may carry it as \u003c */
    for (const char *p = text; *p;) {
        const char *lt = strchr(p, '<');
        size_t n = lt ? (size_t)(lt - p) : strlen(p);
        strbuf_add(&pg->sb, p, n);
        if (!lt)
            break;
        page_raw(pg, "\\u003c");
        p = lt + 1;
    }
    free(text);
    page_raw(pg, "</script>\n<script type=\"module\" src=\"/assets/js/apply.js\"></script>\n");
}

static void
render_step(struct view *v, int status)
{
    struct req *r = v->r;
    const json_t *page = json_array_get(pages_of(&v->f), (size_t)v->step);
    const char *title = json_string_value(json_object_get(v->f.def, "title"));
    const char *ptitle = json_string_value(json_object_get(page, "title"));
    struct page pg;
    page_begin(&pg, r, arena_printf(r->arena, "%s%s（%s）", json_object_size(v->errors) ? "エラー: " : "",
                                    ptitle ? ptitle : "", title ? title : ""));
    error_summary(&pg, v, page);
    if (v->notice) {
        page_raw(&pg, "<p class=\"notice\" role=\"status\">");
        page_text(&pg, v->notice);
        page_raw(&pg, "</p>\n");
    }
    page_raw(&pg, "<h1>");
    page_text(&pg, title);
    page_raw(&pg, "</h1>\n");
    steps_nav(&pg, v, false);
    page_raw(&pg, "<h2>");
    page_text(&pg, ptitle);
    page_raw(&pg, "</h2>\n");
    page_raw(&pg, "<form method=\"post\" data-form=\"1\" action=\"/apply/");
    page_text(&pg, v->f.code);
    page_raw(&pg, step_has_files(v, page) ? "\" enctype=\"multipart/form-data\" novalidate>\n"
                                          : "\" novalidate>\n");
    page_csrf_field(&pg);
    page_printf(&pg, "<input type=\"hidden\" name=\"step\" value=\"%d\">\n", v->step);
    size_t i, k;
    const json_t *s, *e;
    json_array_foreach(json_object_get(page, "sections"), i, s)
    {
        if (!shown(r, s, v->clean))
            continue;
        const char *stitle = json_string_value(json_object_get(s, "title"));
        if (stitle && ptitle && strcmp(stitle, ptitle) != 0) {
            page_raw(&pg, "<h3>");
            page_text(&pg, stitle);
            page_raw(&pg, "</h3>\n");
        }
        json_array_foreach(json_object_get(s, "fields"), k, e)
        {
            const char *code = json_string_value(json_object_get(e, "code"));
            /* hidden questions are in the page but hidden and disabled (never posted); the
             * script shows them as soon as an answer opens them */
            render_field(&pg, v, e, fid(r, v->step, (int)i, (int)k),
                         form_visible(&r->ctx, &v->f, v->clean, code));
        }
    }
    page_raw(&pg, "<div class=\"actions\">"
                  "<button type=\"submit\" class=\"primary\" name=\"action\" value=\"next\">次へ進む</button>");
    if (step_from(v, v->step - 1, -1) >= 0)
        page_raw(&pg, "<button type=\"submit\" name=\"action\" value=\"back\">前に戻る</button>");
    page_raw(&pg, "<button type=\"submit\" name=\"action\" value=\"save\">一時保存</button></div>\n</form>\n");
    page_raw(&pg, "<p id=\"autosave\" class=\"help\" role=\"status\"></p>\n");
    script_data(&pg, v, page);
    if (v->has_draft) {
        page_raw(&pg, "<p class=\"help\">入力内容は一時保存されています。ほかの端末からも、同じメールアドレスの確認後に続きから再開できます。</p>\n");
    }
    page_end(&pg, status);
}

/* ---- the list ---------------------------------------------------------------------------- */

enum err
apply_list(struct req *r)
{
    json_t *list = NULL;
    enum err e = form_public_list(&r->ctx, &list);
    if (e != ERR_OK)
        return e;
    keep(r, list);
    struct page pg;
    page_begin(&pg, r, "申請できる手続");
    page_raw(&pg, "<h1>申請できる手続</h1>\n<p>手続を選ぶと、メールアドレスの確認のあと申請書の入力に進みます。"
                  "入力の途中で一時保存でき、あとから続きを入力できます。</p>\n");
    size_t i, k;
    const json_t *p, *f;
    if (!json_array_size(json_object_get(list, "procedures")))
        page_raw(&pg, "<p class=\"notice\">現在受け付けている手続はありません。</p>\n");
    json_array_foreach(json_object_get(list, "procedures"), i, p)
    {
        page_raw(&pg, "<h2>");
        page_text(&pg, json_string_value(json_object_get(p, "name")));
        page_raw(&pg, "</h2>\n<ul class=\"forms\">\n");
        json_array_foreach(json_object_get(p, "forms"), k, f)
        {
            page_raw(&pg, "<li><h3><a href=\"/apply/");
            page_text(&pg, json_string_value(json_object_get(f, "code")));
            page_raw(&pg, "\">");
            page_text(&pg, json_string_value(json_object_get(f, "title")));
            page_raw(&pg, "</a></h3>");
            const char *parts[][2] = { { "description", NULL }, { "prepare", "用意するもの: " },
                                       { "deadlineNote", "期限: " } };
            for (size_t j = 0; j < 3; j++) {
                const char *t = json_string_value(json_object_get(f, parts[j][0]));
                if (!t || !*t)
                    continue;
                page_raw(&pg, "<p>");
                if (parts[j][1]) {
                    page_raw(&pg, "<strong>");
                    page_text(&pg, parts[j][1]);
                    page_raw(&pg, "</strong>");
                }
                page_text(&pg, t);
                page_raw(&pg, "</p>");
            }
            page_raw(&pg, "</li>\n");
        }
        page_raw(&pg, "</ul>\n");
    }
    page_end(&pg, 200);
    return ERR_OK;
}

/* ---- check, submit, done ------------------------------------------------------------------ */

static void
answer_text(struct page *pg, const json_t *a)
{
    if (json_is_string(a)) {
        page_text(pg, json_string_value(a));
        return;
    }
    size_t i;
    const json_t *x;
    json_array_foreach(a, i, x)
    {
        if (i)
            page_raw(pg, "、");
        page_text(pg, json_string_value(x));
    }
}

static enum err
render_check(struct view *v)
{
    struct req *r = v->r;
    const char *title = json_string_value(json_object_get(v->f.def, "title"));
    /* every step must be valid before the check page */
    json_t *clean = NULL, *errors = NULL;
    form_eval(&r->ctx, &v->f, v->d.answers, NULL, -1, &clean, &errors);
    keep(r, clean);
    keep(r, errors);
    struct page pg;
    page_begin(&pg, r, arena_printf(r->arena, "入力内容の確認（%s）", title ? title : ""));
    page_raw(&pg, "<h1>");
    page_text(&pg, title);
    page_raw(&pg, "</h1>\n");
    steps_nav(&pg, v, true);
    page_raw(&pg, "<h2>入力内容の確認</h2>\n<p>内容をご確認のうえ「申請する」を押してください。</p>\n");
    size_t i, k, j;
    const json_t *p, *s, *e;
    json_array_foreach(pages_of(&v->f), i, p)
    {
        if (!shown(r, p, clean))
            continue;
        page_raw(&pg, "<h3>");
        page_text(&pg, json_string_value(json_object_get(p, "title")));
        page_raw(&pg, "</h3>\n<dl class=\"answers\">");
        json_array_foreach(json_object_get(p, "sections"), j, s)
        json_array_foreach(json_object_get(s, "fields"), k, e)
        {
            const char *code = json_string_value(json_object_get(e, "code"));
            if (!form_visible(&r->ctx, &v->f, clean, code))
                continue;
            page_raw(&pg, "<dt>");
            page_text(&pg, form_field_label(&r->ctx, &v->f, code));
            page_raw(&pg, "</dt><dd>");
            const char *t = field_type(&v->f, code);
            if (t && !strcmp(t, "FILE")) {
                size_t n;
                const json_t *fl;
                json_array_foreach(v->files, n, fl)
                if (!strcmp(json_string_value(json_object_get(fl, "field")), code)) {
                    page_text(&pg, json_string_value(json_object_get(fl, "name")));
                    page_raw(&pg, " ");
                }
            } else {
                answer_text(&pg, json_object_get(clean, code));
            }
            page_raw(&pg, "</dd>");
        }
        page_raw(&pg, "</dl>\n");
    }
    page_raw(&pg, "<form method=\"post\" action=\"/apply/");
    page_text(&pg, v->f.code);
    page_raw(&pg, "/submit\">");
    page_csrf_field(&pg);
    /* the idempotency key: a second press (or a reload of the post) answers the first one's
     * receipt number */
    page_printf(&pg, "<input type=\"hidden\" name=\"key\" value=\"draft-%lld\">", (long long)v->d.id);
    page_raw(&pg, "<button type=\"submit\" class=\"primary\">申請する</button></form>\n<p><a href=\"/apply/");
    page_text(&pg, v->f.code);
    page_raw(&pg, "\">入力内容を修正する</a></p>\n");
    page_end(&pg, 200);
    return ERR_OK;
}

static enum err
render_done(struct req *r, const char *code, json_t *p)
{
    const char *no = json_string_value(json_object_get(p, "no"));
    struct page pg;
    page_begin(&pg, r, "申請を受け付けました");
    page_raw(&pg, "<div class=\"success\" role=\"status\"><h1>申請を受け付けました</h1>");
    if (no && strlen(no) <= 64) {
        page_raw(&pg, "<p>受付番号</p><p class=\"receipt\">");
        page_text(&pg, no);
        page_raw(&pg, "</p>");
    }
    page_raw(&pg, "</div>\n<p>受付番号と申請内容を、確認したメールアドレスにお送りしました。"
                  "お問い合わせの際は受付番号をお伝えください。</p>\n<p><a href=\"/apply/\">申請の一覧へ</a></p>\n");
    (void)code;
    page_end(&pg, 200);
    return ERR_OK;
}

enum err
apply_form_get(struct req *r, const char *code, const char *sub, json_t *p)
{
    if (sub && !strcmp(sub, "done"))
        return render_done(r, code, p);
    struct view v;
    bool redirected;
    enum err e = load(r, code, &v, &redirected);
    if (e != ERR_OK || redirected)
        return e;
    if (sub && !strcmp(sub, "check")) {
        if (!v.has_draft)
            return page_redirect(r, arena_printf(r->arena, "/apply/%s", code));
        return render_check(&v);
    }
    if (sub)
        return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
    /* ?step=N: a step the applicant went back to (or forward to, after saving) */
    const char *want = json_string_value(json_object_get(p, "step"));
    if (want) {
        int n = atoi(want);
        if (n >= 0 && n < (int)json_array_size(pages_of(&v.f)) &&
            shown(r, json_array_get(pages_of(&v.f), (size_t)n), v.clean))
            v.step = n;
    }
    if (json_object_get(p, "more"))
        v.notice = "回答に応じて、入力していただく項目が追加されました。";
    else if (json_object_get(p, "saved"))
        v.notice = "入力内容を一時保存しました。";
    render_step(&v, 200);
    return ERR_OK;
}

/* ---- posts --------------------------------------------------------------------------------- */

static const char *
url_escape(struct req *r, const char *s)
{
    struct strbuf sb;
    strbuf_init(&sb, r->arena, 0);
    strbuf_add_url_escaped(&sb, s);
    strbuf_addc(&sb, '\0');
    return sb.buf;
}

static enum err
page_redirect_step(struct req *r, const char *code, int step)
{
    return page_redirect(r, arena_printf(r->arena, "/apply/%s?step=%d", code, step));
}

static enum err
tx_begin(struct req *r)
{
    int rc = db_begin(r->db, true);
    return rc == DB_OK ? ERR_OK
                       : fail_set(&r->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
}

static enum err
tx_end(struct req *r, enum err e)
{
    if (e != ERR_OK) {
        db_rollback(r->db);
        return e;
    }
    int rc = db_commit(r->db);
    return rc == DB_OK ? ERR_OK
                       : fail_set(&r->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
}

/* The posted answers of the fields shown on the step, merged over the draft's. */
static json_t *
merge_step(struct view *v, const json_t *params)
{
    struct req *r = v->r;
    json_t *answers = json_deep_copy(v->has_draft ? v->d.answers : keep(r, json_object()));
    keep(r, answers);
    const json_t *page = json_array_get(pages_of(&v->f), (size_t)v->step);
    size_t i, k;
    const json_t *s, *e;
    json_array_foreach(json_object_get(page, "sections"), i, s)
    json_array_foreach(json_object_get(s, "fields"), k, e)
    {
        const char *code = json_string_value(json_object_get(e, "code"));
        const char *t = field_type(&v->f, code);
        if (!t || !strcmp(t, "FILE"))
            continue;
        const json_t *val = json_object_get(params, arena_printf(r->arena, "a.%s", code));
        /* a question the page did not show (hidden, so disabled) and did not post keeps its
         * answer; one shown by the script is posted; rules drop what stays hidden */
        if (!val && !form_visible(&r->ctx, &v->f, v->clean, code))
            continue;
        bool multi = !strcmp(t, "CHECK_BOX") || !strcmp(t, "MULTI_SELECT");
        if (multi) {
            json_t *arr = json_array();
            if (json_is_string(val))
                json_array_append(arr, (json_t *)val);
            else if (json_is_array(val))
                json_array_extend(arr, (json_t *)val);
            json_object_set_new(answers, code, arr);
        } else if (json_is_string(val)) {
            json_object_set(answers, code, (json_t *)val);
        } else {
            json_object_del(answers, code);
        }
    }
    return answers;
}

/* Whether a field of the step is shown with the new answers that was neither shown with the
 * old ones nor posted (a script shows questions at once and posts them; a page without one
 * never saw them). */
static bool
new_fields(struct view *old, struct view *now, const json_t *params)
{
    const json_t *page = json_array_get(pages_of(&now->f), (size_t)old->step);
    size_t i, k;
    const json_t *s, *e;
    json_array_foreach(json_object_get(page, "sections"), i, s)
    json_array_foreach(json_object_get(s, "fields"), k, e)
    {
        const char *code = json_string_value(json_object_get(e, "code"));
        if (form_visible(&now->r->ctx, &now->f, now->clean, code) &&
            !form_visible(&old->r->ctx, &old->f, old->clean, code) &&
            !json_object_get(params, arena_printf(now->r->arena, "a.%s", code)) &&
            !json_object_get(params, arena_printf(now->r->arena, "a.%s[]", code)))
            return true;
    }
    return false;
}

static enum err
post_step(struct req *r, const char *code, json_t *params)
{
    struct mpart *parts;
    size_t nparts;
    enum err e = page_read_multipart(r, params, &parts, &nparts);
    if (e == ERR_OK)
        e = page_csrf_check(r, params);
    if (e != ERR_OK)
        return e;
    e = tx_begin(r);
    if (e != ERR_OK)
        return e;
    struct view v;
    bool redirected;
    e = load(r, code, &v, &redirected);
    if (e != ERR_OK || redirected)
        return tx_end(r, e);
    int64_t posted = -1;
    const char *ps = json_string_value(json_object_get(params, "step"));
    if (ps)
        posted = atoll(ps);
    if (posted >= 0 && posted < (int64_t)json_array_size(pages_of(&v.f)))
        v.step = (int)posted; /* the step the page showed (a stale tab posts its own step) */
    const char *action = json_string_value(json_object_get(params, "action"));
    if (!action)
        action = "next";
    json_t *answers = merge_step(&v, params);
    /* files of this step */
    for (size_t i = 0; i < nparts; i++) {
        const struct mpart *m = &parts[i];
        if (!m->filename || !*m->filename || m->len == 0 || strncmp(m->name, "a.", 2) != 0)
            continue;
        json_t *info = NULL;
        e = form_draft_file(&r->ctx, &v.a, code, m->name + 2, m->filename, m->data, m->len, &info);
        json_decref(info);
        if (e == ERR_INVALID || e == ERR_TOO_LARGE) {
            /* shown on the field like any answer error; the rest of the step is kept */
            if (!v.errors)
                v.errors = keep(r, json_object());
            json_object_set_new(v.errors, m->name + 2,
                                json_pack("{s:[s]}", "messages",
                                          r->fail.message ? r->fail.message
                                                          : "このファイルは添付できません。"));
            fail_init(&r->fail, r->arena, r->ctx.lang);
            e = ERR_OK;
        }
        if (e != ERR_OK)
            return tx_end(r, e);
    }
    struct form_draft saved;
    json_t *errors = NULL;
    e = form_draft_put(&r->ctx, &v.a, code, answers, v.step, &saved, &errors);
    keep(r, errors);
    if (e != ERR_OK)
        return tx_end(r, e);
    if (v.errors)
        json_object_update(errors, v.errors);
    /* where the applicant goes next (the draft remembers it, so a resume lands there) */
    const char *to = NULL;
    int target = v.step;
    struct view nv;
    if (!strcmp(action, "back")) {
        target = step_from(&v, v.step - 1, -1);
        if (target < 0)
            target = v.step;
    } else if (!strcmp(action, "save")) {
        to = arena_printf(r->arena, "/apply/%s?saved=1&step=%d", code, v.step);
    } else {
        e = load(r, code, &nv, &redirected);
        if (e != ERR_OK || redirected)
            return tx_end(r, e);
        if (new_fields(&v, &nv, params)) {
            /* an answer opened more questions on this step (no script showed them): ask them
             * first, without calling them errors */
            to = arena_printf(r->arena, "/apply/%s?step=%d&more=1", code, v.step);
        } else if (json_object_size(errors)) {
            /* the same step again, with what was typed and what is wrong */
            e = tx_end(r, ERR_OK);
            if (e != ERR_OK)
                return e;
            nv.step = v.step;
            nv.errors = errors;
            render_step(&nv, 400);
            return ERR_OK;
        } else {
            target = step_from(&nv, v.step + 1, +1);
            if (target >= (int)json_array_size(pages_of(&nv.f))) {
                target = v.step;
                to = arena_printf(r->arena, "/apply/%s/check", code);
            }
        }
    }
    if (target != v.step) {
        json_t *ignored = NULL;
        e = form_draft_put(&r->ctx, &v.a, code, saved.answers, target, &saved, &ignored);
        json_decref(ignored);
        if (e != ERR_OK)
            return tx_end(r, e);
    }
    e = tx_end(r, ERR_OK);
    if (e != ERR_OK)
        return e;
    return to ? page_redirect(r, to) : page_redirect_step(r, code, target);
}

static enum err
post_submit(struct req *r, const char *code, json_t *params)
{
    enum err e = page_csrf_check(r, params);
    if (e != ERR_OK)
        return e;
    struct applicant a;
    if (applicant_session(&r->ctx, api_cookie(r, APPLICANT_COOKIE), &a) != ERR_OK) {
        fail_init(&r->fail, r->arena, r->ctx.lang);
        return page_redirect(r, arena_printf(r->arena, "/apply/verify?form=%s", code));
    }
    e = tx_begin(r);
    if (e != ERR_OK)
        return e;
    struct form_receipt rc;
    const char *key = json_string_value(json_object_get(params, "key"));
    if (key && strlen(key) > 64)
        key = NULL;
    e = form_submit(&r->ctx, &a, code, key, &rc);
    if (e == ERR_INVALID) {
        /* a step no longer valid (a rule changed, a date passed): back to the form */
        db_rollback(r->db);
        fail_init(&r->fail, r->arena, r->ctx.lang);
        return page_redirect(r, arena_printf(r->arena, "/apply/%s", code));
    }
    e = tx_end(r, e);
    if (e != ERR_OK)
        return e;
    return page_redirect(r, arena_printf(r->arena, "/apply/%s/done?no=%s", code,
                                         url_escape(r, rc.receipt_no ? rc.receipt_no : "")));
}

enum err
apply_form_post(struct req *r, const char *code, const char *sub, json_t *p)
{
    if (!sub)
        return post_step(r, code, p);
    if (!strcmp(sub, "submit"))
        return post_submit(r, code, p);
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}
