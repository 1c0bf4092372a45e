/* pdf_table: tables from SUBTABLE fields and the rows of list documents (one row per record).
 * Rows have a fixed height, so the split over pages is known before drawing: the first page
 * holds what fits between the table's y and its bottom, further pages start at the top
 * margin (lists: at list.y) with the header repeated. */
#include "core/arena.h"
#include "pdf/pdf_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define CELL_PAD 1.0

void
pdf_rows_plan(struct pdf_rows *p, size_t n, double y0, double y_next, double bottom,
              double header_h, double row_h)
{
    double f = floor((bottom - y0 - header_h) / row_h + 1e-9);
    double g = floor((bottom - y_next - header_h) / row_h + 1e-9);
    p->n = n;
    p->first = f > 0 ? (size_t)f : 0;
    p->per_page = g > 1 ? (size_t)g : 1;
}

size_t
pdf_rows_pages(const struct pdf_rows *p)
{
    if (p->n <= p->first)
        return 1;
    return 1 + (p->n - p->first + p->per_page - 1) / p->per_page;
}

static void
rows_of_page(const struct pdf_rows *p, int page, size_t *from, size_t *to)
{
    if (page == 0) {
        *from = 0;
        *to = p->n < p->first ? p->n : p->first;
        return;
    }
    *from = p->first + (size_t)(page - 1) * p->per_page;
    if (*from > p->n)
        *from = p->n;
    *to = *from + p->per_page < p->n ? *from + p->per_page : p->n;
}

struct grid {
    const json_t *cols;
    double x, y, hh, rh, pt;
    const char *font;
    const char *key;    /* error key of the element ("elements[3]") or NULL (list) */
};

static void
cell_border(cairo_t *cr, double x, double y, double w, double h)
{
    cairo_rectangle(cr, x, y, w, h);
    cairo_stroke(cr);
}

static enum err
header_draw(struct pdf_doc *d, const struct grid *g)
{
    cairo_t *cr = d->cr;
    double x = g->x;
    size_t j;
    json_t *col;
    json_array_foreach(g->cols, j, col)
    {
        double w = pdf_num(col, "w", 30);
        cairo_save(cr);
        cairo_rectangle(cr, x, g->y, w, g->hh);
        cairo_set_source_rgb(cr, 0.92, 0.92, 0.92);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_set_line_width(cr, 0.2);
        cell_border(cr, x, g->y, w, g->hh);
        cairo_restore(cr);
        /* a title too long for its column shrinks like any cell, and is an error after */
        if (!pdf_text_line(d, pdf_str(col, "title", ""), g->font, false, g->pt, PDF_DEFAULT_MIN,
                           x + CELL_PAD, g->y, w - 2 * CELL_PAD, g->hh, PDF_CENTER))
            return pdf_overflow(d, g->key ? g->key
                                          : arena_printf(d->c->arena, "list.columns[%zu]", j));
        x += w;
    }
    return ERR_OK;
}

/* One row: values from data (a table row's values or a record's data). */
static enum err
row_draw(struct pdf_doc *d, const struct grid *g, const json_t *data, double y)
{
    cairo_t *cr = d->cr;
    double x = g->x;
    size_t j;
    json_t *col;
    json_array_foreach(g->cols, j, col)
    {
        double w = pdf_num(col, "w", 30);
        cairo_save(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_set_line_width(cr, 0.2);
        cell_border(cr, x, y, w, g->rh);
        cairo_restore(cr);
        const char *s = pdf_value(d, data, pdf_str(col, "field", ""), json_object_get(col, "format"));
        if (!pdf_text_line(d, s, g->font, false, g->pt, PDF_DEFAULT_MIN, x + CELL_PAD, y,
                           w - 2 * CELL_PAD, g->rh, pdf_align_of(col, PDF_LEFT))) {
            const char *key =
                g->key ? g->key : arena_printf(d->c->arena, "list.columns[%zu]", j);
            return pdf_overflow(d, key);
        }
        x += w;
    }
    return ERR_OK;
}

static void
table_plan(struct pdf_doc *d, const json_t *el, struct pdf_rows *p)
{
    const json_t *rows = json_object_get(d->rec ? d->rec->data : NULL, pdf_str(el, "field", ""));
    pdf_rows_plan(p, json_is_array(rows) ? json_array_size(rows) : 0, pdf_num(el, "y", 0),
                  d->margin[0], pdf_num(el, "bottom", d->ph - d->margin[2]),
                  pdf_num(el, "headerHeight", 8), pdf_num(el, "rowHeight", 7));
}

size_t
pdf_table_pages(struct pdf_doc *d, const json_t *el)
{
    struct pdf_rows p;
    table_plan(d, el, &p);
    return pdf_rows_pages(&p);
}

enum err
pdf_table_draw(struct pdf_doc *d, size_t ei, const json_t *el, int page)
{
    struct pdf_rows p;
    size_t from, to;
    table_plan(d, el, &p);
    if ((size_t)page >= pdf_rows_pages(&p))
        return ERR_OK;
    rows_of_page(&p, page, &from, &to);
    const json_t *rows = json_object_get(d->rec->data, pdf_str(el, "field", ""));
    struct grid g = {
        .cols = json_object_get(el, "columns"),
        .x = pdf_num(el, "x", 0),
        .y = page == 0 ? pdf_num(el, "y", 0) : d->margin[0],
        .hh = pdf_num(el, "headerHeight", 8),
        .rh = pdf_num(el, "rowHeight", 7),
        .pt = pdf_num(el, "size", d->size),
        .font = pdf_str(el, "font", NULL),
        .key = arena_printf(d->c->arena, "elements[%zu]", ei),
    };
    enum err e = header_draw(d, &g);
    if (e != ERR_OK)
        return e;
    for (size_t i = from; i < to; i++) {
        const json_t *vals = json_object_get(json_array_get(rows, i), "value");
        e = row_draw(d, &g, vals, g.y + g.hh + (double)(i - from) * g.rh);
        if (e != ERR_OK)
            return e;
    }
    return ERR_OK;
}

static void
list_plan(struct pdf_doc *d, const json_t *list, struct pdf_rows *p)
{
    double y = pdf_num(list, "y", d->margin[0]);
    pdf_rows_plan(p, d->job->nrecords, y, y, pdf_num(list, "bottom", d->ph - d->margin[2]),
                  pdf_num(list, "headerHeight", 8), pdf_num(list, "rowHeight", 7));
}

size_t
pdf_list_pages(struct pdf_doc *d, const json_t *list)
{
    struct pdf_rows p;
    list_plan(d, list, &p);
    return pdf_rows_pages(&p);
}

enum err
pdf_list_draw(struct pdf_doc *d, const json_t *list, int page)
{
    struct pdf_rows p;
    size_t from, to;
    list_plan(d, list, &p);
    rows_of_page(&p, page, &from, &to);
    struct grid g = {
        .cols = json_object_get(list, "columns"),
        .x = pdf_num(list, "x", d->margin[3]),
        .y = pdf_num(list, "y", d->margin[0]),
        .hh = pdf_num(list, "headerHeight", 8),
        .rh = pdf_num(list, "rowHeight", 7),
        .pt = pdf_num(list, "size", d->size),
        .font = pdf_str(list, "font", NULL),
        .key = NULL,
    };
    enum err e = header_draw(d, &g);
    const struct pdf_record *keep = d->rec;
    for (size_t i = from; i < to && e == ERR_OK; i++) {
        d->rec = &d->job->records[i];
        e = row_draw(d, &g, d->rec->data, g.y + g.hh + (double)(i - from) * g.rh);
    }
    d->rec = keep;
    return e;
}
