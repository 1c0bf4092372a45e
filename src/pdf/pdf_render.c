/* pdf_render: documents and pages — the cairo surface (PDF, or an image for previews) in
 * millimetres, pango set up for Japanese without hinting (PDF and PNG lay out alike), the
 * page count of each document (tables and lists have fixed row heights, so it is known
 * before drawing and page numbers can say the total), and every page: background, then the
 * elements whose `pages` and `if` say so. */
#include "core/arena.h"
#include "core/clock.h"
#include "core/strbuf.h"
#include "domain/fcond.h"
#include "pdf/pdf_int.h"

#include <cairo-pdf.h>
#include <math.h>
#include <string.h>

#define PDF_MAX_BYTES (256u << 20)
#define PNG_MAX_BYTES (64u << 20)

static bool
is_list(const json_t *def)
{
    const char *k = json_string_value(json_object_get(def, "kind"));
    return k && !strcmp(k, "list");
}

static void
doc_init(struct pdf_doc *d, struct ctx *c, const struct pdf_job *job)
{
    memset(d, 0, sizeof(*d));
    d->c = c;
    d->job = job;
    d->def = job->def;
    if (!pdf_page_size(d->def, &d->pw, &d->ph)) {
        d->pw = 210;
        d->ph = 297;
    }
    const json_t *m = json_object_get(json_object_get(d->def, "page"), "margin");
    for (int i = 0; i < 4; i++) {
        const json_t *v = json_array_get(m, (size_t)i);
        d->margin[i] = json_is_number(v) ? json_number_value(v) : 15;
    }
    d->font = pdf_str(d->def, "font", "mincho");
    d->size = pdf_num(d->def, "size", PDF_DEFAULT_SIZE);
}

/* Background (if any): acquired for the whole rendering. */
static enum err
doc_background(struct pdf_doc *d)
{
    const json_t *bg = json_object_get(d->def, "background");
    if (!json_is_object(bg))
        return ERR_OK;
    int n = 0;
    enum err e = pdf_bg_acquire(d->c, pdf_str(bg, "file", ""), &d->bg, &n);
    d->bg_page = (int)pdf_num(bg, "page", 1) - 1;
    if (e == ERR_OK && (d->bg_page < 0 || d->bg_page >= n))
        e = ERR_INVALID;
    if (e == ERR_FILE_NOT_FOUND || e == ERR_INVALID) {
        pdf_field_error(d->c, "background.file",
                        "背景の PDF がないか、そのページがありません。",
                        "The background PDF or its page is missing.");
        e = ERR_INVALID;
    }
    return e;
}

static void
doc_begin(struct pdf_doc *d, cairo_t *cr, double scale)
{
    d->cr = cr;
    cairo_scale(cr, scale, scale);
    d->pctx = pango_cairo_create_context(cr);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(d->pctx, fo);
    cairo_font_options_destroy(fo);
    /* user units are millimetres: glyph positions rounded to units would be 1 mm steps */
    pango_context_set_round_glyph_positions(d->pctx, FALSE);
    pango_context_set_language(d->pctx, pango_language_from_string("ja"));
    d->layout = pango_layout_new(d->pctx);
    d->fonts[0] = pango_font_description_from_string("IPAexMincho");
    d->fonts[1] = pango_font_description_from_string("IPAexGothic");
}

static void
doc_end(struct pdf_doc *d)
{
    for (int i = 0; i < 2; i++)
        if (d->fonts[i])
            pango_font_description_free(d->fonts[i]);
    if (d->layout)
        g_object_unref(d->layout);
    if (d->pctx)
        g_object_unref(d->pctx);
    json_decref(d->answers);
    pdf_bg_release(d->bg);
    d->fonts[0] = d->fonts[1] = NULL;
    d->layout = NULL;
    d->pctx = NULL;
    d->answers = NULL;
    d->bg = NULL;
}

static void
set_record(struct pdf_doc *d, const struct pdf_record *r)
{
    d->rec = r;
    json_decref(d->answers);
    d->answers = pdf_answers(r);
}

static bool
visible(struct pdf_doc *d, const json_t *el)
{
    const json_t *cond = json_object_get(el, "if");
    if (!cond)
        return true;
    struct fcond_env env = { .today = d->job->today };
    return fcond_eval(cond, d->answers, &env);
}

static bool
on_page(struct pdf_doc *d, const json_t *el, int page, int pages)
{
    if (is_list(d->def))
        return true;
    const char *p = pdf_str(el, "pages", "first");
    if (!strcmp(p, "all"))
        return true;
    if (!strcmp(p, "last"))
        return page == pages - 1;
    return page == 0;
}

static int
record_pages(struct pdf_doc *d)
{
    if (is_list(d->def))
        return (int)pdf_list_pages(d, json_object_get(d->def, "list"));
    size_t n = 1, i;
    json_t *el;
    json_array_foreach(json_object_get(d->def, "elements"), i, el)
    {
        if (strcmp(pdf_str(el, "type", ""), "table") || !visible(d, el))
            continue;
        size_t t = pdf_table_pages(d, el);
        if (t > n)
            n = t;
    }
    return (int)n;
}

static const char *
page_number_text(struct pdf_doc *d, const char *fmt, int page, int pages)
{
    struct strbuf sb;
    strbuf_init(&sb, d->c->arena, 0);
    for (const char *p = fmt; *p;) {
        if (!strncmp(p, "{page}", 6)) {
            strbuf_addf(&sb, "%d", page + 1);
            p += 6;
        } else if (!strncmp(p, "{pages}", 7)) {
            strbuf_addf(&sb, "%d", pages);
            p += 7;
        } else {
            strbuf_addc(&sb, *p++);
        }
    }
    return sb.buf;
}

static enum err
text_draw(struct pdf_doc *d, size_t i, const json_t *el, const char *type, int page, int pages)
{
    const json_t *data = d->rec ? d->rec->data : NULL;
    const json_t *format = json_object_get(el, "format");
    const char *s;
    if (!strcmp(type, "pageNumber"))
        s = page_number_text(d, pdf_str(el, "format", "{page} / {pages}"), page, pages);
    else if (json_object_get(el, "field"))
        s = pdf_value(d, data, pdf_str(el, "field", ""), format);
    else
        s = pdf_fill(d, data, pdf_str(el, "text", ""), format);
    const char *font = pdf_str(el, "font", NULL);
    bool bold = json_is_true(json_object_get(el, "bold"));
    double pt = pdf_num(el, "size", d->size), min = pdf_num(el, "minSize", PDF_DEFAULT_MIN);
    double x = pdf_num(el, "x", 0), y = pdf_num(el, "y", 0), w = pdf_num(el, "w", 0);
    bool ok;
    if (!strcmp(type, "textbox"))
        ok = pdf_text_box(d, s, font, bold, pt, min, pdf_num(el, "lineHeight", 1.5), x, y, w,
                          pdf_num(el, "h", 0), pdf_align_of(el, PDF_LEFT));
    else
        ok = pdf_text_line(d, s, font, bold, pt, min, x, y, w, 0, pdf_align_of(el, PDF_LEFT));
    return ok ? ERR_OK : pdf_overflow(d, arena_printf(d->c->arena, "elements[%zu]", i));
}

static enum err
element_draw(struct pdf_doc *d, size_t i, const json_t *el, int page, int pages)
{
    const char *t = pdf_str(el, "type", "");
    if (!strcmp(t, "table"))
        return pdf_table_draw(d, i, el, page);
    if (!on_page(d, el, page, pages))
        return ERR_OK;
    if (!strcmp(t, "text") || !strcmp(t, "textbox") || !strcmp(t, "pageNumber"))
        return text_draw(d, i, el, t, page, pages);
    if (!strcmp(t, "check"))
        return pdf_check_draw(d, el);
    if (!strcmp(t, "line"))
        pdf_line_draw(d, el);
    else if (!strcmp(t, "rect"))
        pdf_rect_draw(d, el);
    else if (!strcmp(t, "image"))
        return pdf_image_draw(d, i, el);
    else if (!strcmp(t, "qr"))
        pdf_qr_draw(d, el);
    return ERR_OK;
}

static enum err
page_draw(struct pdf_doc *d, int page, int pages)
{
    if (d->bg)
        pdf_bg_draw(d->bg, d->cr, d->bg_page, d->pw, d->ph);
    size_t i;
    json_t *el;
    json_array_foreach(json_object_get(d->def, "elements"), i, el)
    {
        if (!visible(d, el))
            continue;
        enum err e = element_draw(d, i, el, page, pages);
        if (e != ERR_OK)
            return e;
    }
    if (is_list(d->def))
        return pdf_list_draw(d, json_object_get(d->def, "list"), page);
    return ERR_OK;
}

/* Draws every page (target < 0, each followed by show_page) or only page `target` of the
 * whole job; *found tells whether the target page exists. */
static enum err
render_pages(struct pdf_doc *d, int target, bool *found)
{
    const struct pdf_job *job = d->job;
    size_t ndocs = is_list(d->def) ? 1 : job->nrecords;
    int g = 0;
    *found = false;
    for (size_t r = 0; r < ndocs; r++) {
        set_record(d, job->nrecords ? &job->records[r] : NULL);
        int pages = record_pages(d);
        if (target >= 0 && g + pages <= target) {
            g += pages;
            continue;
        }
        for (int p = 0; p < pages; p++, g++) {
            if (target >= 0 && g != target)
                continue;
            enum err e = page_draw(d, p, pages);
            if (e != ERR_OK)
                return e;
            *found = true;
            if (target < 0)
                cairo_show_page(d->cr);
            else
                return ERR_OK;
        }
        if (target < 0 && job->progress)
            job->progress(job->progress_arg, r + 1, ndocs);
    }
    return ERR_OK;
}

static cairo_status_t
sb_write(void *arg, const unsigned char *data, unsigned int len)
{
    struct strbuf *sb = arg;
    strbuf_add(sb, data, len);
    return strbuf_ok(sb) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static enum err
no_records(struct ctx *c, const struct pdf_job *job)
{
    if (job->nrecords || is_list(job->def))
        return ERR_OK;
    pdf_field_error(c, "records", "レコードがありません。", "There are no records.");
    return ERR_INVALID;
}

enum err
pdf_render(struct ctx *c, const struct pdf_job *job, struct strbuf *out)
{
    struct pdf_doc d;
    enum err e = no_records(c, job);
    if (e != ERR_OK)
        return e;
    doc_init(&d, c, job);
    e = doc_background(&d);
    if (e != ERR_OK) {
        doc_end(&d);
        return e;
    }
    struct strbuf tmp;
    strbuf_init(&tmp, NULL, PDF_MAX_BYTES);
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(sb_write, &tmp, d.pw / PDF_MM_PER_PT,
                                                             d.ph / PDF_MM_PER_PT);
    const char *name = pdf_str(job->def, "name", NULL);
    if (name)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, name);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "madoguchi");
    /* the request's clock, not the wall clock: the same job gives the same bytes */
    char when[32];
    clock_format_utc(c->now, when);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, when);
    cairo_t *cr = cairo_create(s);
    bool found;
    doc_begin(&d, cr, 1 / PDF_MM_PER_PT);
    e = render_pages(&d, -1, &found);
    doc_end(&d);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (e == ERR_OK && (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS || !strbuf_ok(&tmp)))
        e = fail_set(c->fail, strbuf_ok(&tmp) ? ERR_INTERNAL : ERR_TOO_LARGE, NULL);
    cairo_surface_destroy(s);
    if (e == ERR_OK) {
        strbuf_add(out, tmp.buf, tmp.len);
        if (!strbuf_ok(out))
            e = fail_set(c->fail, ERR_TOO_LARGE, NULL);
    }
    strbuf_release(&tmp);
    return e;
}

enum err
pdf_render_png(struct ctx *c, const struct pdf_job *job, int page, double dpi, struct strbuf *out)
{
    struct pdf_doc d;
    if (!(dpi >= 72 && dpi <= 300)) {
        pdf_field_error(c, "dpi", "解像度は 72〜300 です。", "dpi must be 72 to 300.");
        return ERR_INVALID;
    }
    enum err e = no_records(c, job);
    if (e != ERR_OK)
        return e;
    if (page < 0)
        return fail_set(c->fail, ERR_NOT_FOUND, c->fail->lang == LANG_EN ? "page" : "ページ");
    doc_init(&d, c, job);
    e = doc_background(&d);
    if (e != ERR_OK) {
        doc_end(&d);
        return e;
    }
    int w = (int)ceil(d.pw / 25.4 * dpi), h = (int)ceil(d.ph / 25.4 * dpi);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    bool found = false;
    doc_begin(&d, cr, dpi / 25.4);
    e = render_pages(&d, page, &found);
    doc_end(&d);
    cairo_destroy(cr);
    if (e == ERR_OK && !found)
        e = fail_set(c->fail, ERR_NOT_FOUND, c->fail->lang == LANG_EN ? "page" : "ページ");
    if (e == ERR_OK) {
        struct strbuf tmp;
        strbuf_init(&tmp, NULL, PNG_MAX_BYTES);
        if (cairo_surface_write_to_png_stream(s, sb_write, &tmp) != CAIRO_STATUS_SUCCESS)
            e = fail_set(c->fail, strbuf_ok(&tmp) ? ERR_INTERNAL : ERR_TOO_LARGE, NULL);
        else
            strbuf_add(out, tmp.buf, tmp.len);
        if (e == ERR_OK && !strbuf_ok(out))
            e = fail_set(c->fail, ERR_TOO_LARGE, NULL);
        strbuf_release(&tmp);
    }
    cairo_surface_destroy(s);
    return e;
}

void
pdf_thread_exit(void)
{
    pango_cairo_font_map_set_default(NULL);
}

void
pdf_shutdown(void)
{
    pdf_bg_shutdown();
    pdf_thread_exit();
}
