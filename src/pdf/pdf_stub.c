/* TEMPORARY STUB of pdf.h for the template storage / issue branch (h-tpl): the integrator
 * deletes this file when the real renderer (src/pdf/pdf_*.c, branch h-pdf) is merged. It checks
 * only what the API tests need; the template name and each record's first element's field
 * are written as the PDF's title and subject (no fonts in a stub). */
#include "pdf/pdf.h"

#include "core/arena.h"
#include "core/strbuf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <stdio.h>
#include <string.h>

enum err
pdf_template_check(struct ctx *c, const json_t *def, const json_t *props)
{
    if (!json_is_object(def)) {
        fail_field(c->fail, "template", MSG_BAD_TYPE, NULL);
        return ERR_INVALID;
    }
    bool ok = true;
    if (!json_string_value(json_object_get(def, "code"))) {
        fail_field(c->fail, "code", MSG_REQUIRED, NULL);
        ok = false;
    }
    if (!json_string_value(json_object_get(def, "name"))) {
        fail_field(c->fail, "name", MSG_REQUIRED, NULL);
        ok = false;
    }
    size_t i;
    const json_t *el;
    json_array_foreach(json_object_get(def, "elements"), i, el)
    {
        const char *f = json_string_value(json_object_get(el, "field"));
        if (f && !json_object_get(props, f)) {
            fail_field(c->fail, arena_printf(c->arena, "elements[%zu].field", i),
                       MSG_UNKNOWN_FIELD, f);
            ok = false;
        }
    }
    return ok ? ERR_OK : ERR_INVALID;
}

static cairo_status_t
sink(void *closure, const unsigned char *data, unsigned int len)
{
    strbuf_add(closure, data, len);
    return CAIRO_STATUS_SUCCESS;
}

/* The text of the first element's field of r (value of a {value} object or a string). */
static const char *
first_text(const struct pdf_job *job, const struct pdf_record *r)
{
    const json_t *el = json_array_get(json_object_get(job->def, "elements"), 0);
    const char *f = json_string_value(json_object_get(el, "field"));
    const json_t *v = f ? json_object_get(r->data, f) : NULL;
    if (json_is_object(v))
        v = json_object_get(v, "value");
    return json_string_value(v) ? json_string_value(v) : "";
}

enum err
pdf_render(struct ctx *c, const struct pdf_job *job, struct strbuf *out)
{
    struct strbuf tmp;
    strbuf_init(&tmp, NULL, 0);
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(sink, &tmp, 595, 842);
    cairo_t *cr = cairo_create(s);
    /* the texts go into the metadata: cairo's text API would load fontconfig, whose
     * process-wide caches the leak checker of the tests reports */
    const char *name = json_string_value(json_object_get(job->def, "name"));
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, name ? name : "");
    struct strbuf subj;
    strbuf_init(&subj, c->arena, 0);
    for (size_t i = 0; i < job->nrecords; i++) {
        strbuf_adds(&subj, first_text(job, &job->records[i]));
        strbuf_addc(&subj, '\n');
        cairo_rectangle(cr, 50, 50, 100, 20);
        cairo_stroke(cr);
        cairo_show_page(cr);
    }
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, subj.buf);
    if (job->nrecords == 0)
        cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_status_t st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    enum err e = ERR_OK;
    if (st != CAIRO_STATUS_SUCCESS || !strbuf_ok(&tmp))
        e = fail_set(c->fail, ERR_INTERNAL, NULL);
    else
        strbuf_add(out, tmp.buf, tmp.len);
    strbuf_release(&tmp);
    return e;
}

enum err
pdf_render_png(struct ctx *c, const struct pdf_job *job, int page, double dpi, struct strbuf *out)
{
    (void)job;
    (void)dpi;
    if (page != 0)
        return fail_set(c->fail, ERR_NOT_FOUND, "page");
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 10, 10);
    cairo_status_t st = cairo_surface_write_to_png_stream(s, sink, out);
    cairo_surface_destroy(s);
    return st == CAIRO_STATUS_SUCCESS ? ERR_OK : fail_set(c->fail, ERR_INTERNAL, NULL);
}

const char *
pdf_file_name(struct ctx *c, const struct pdf_job *job, const struct pdf_record *r)
{
    const char *name = json_string_value(json_object_get(job->def, "name"));
    return arena_printf(c->arena, "%s_%lld.pdf", name ? name : "document", (long long)r->id);
}

void
pdf_shutdown(void)
{
}
