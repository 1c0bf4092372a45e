/* pdf_draw: the simple elements — check marks (drawn as figures), lines and boxes. */
#include "domain/calc.h"
#include "domain/value.h"
#include "pdf/pdf_int.h"

#include <stdio.h>
#include <string.h>

static bool
matches(const json_t *v, const char *want)
{
    char buf[CALC_NUMBUF];
    if (json_is_string(v) || json_is_number(v))
        return !strcmp(value_scalar_text(v, buf, sizeof(buf)), want);
    if (json_is_array(v)) {
        size_t i;
        json_t *it;
        json_array_foreach(v, i, it)
        {
            if (json_is_object(it)) {
                const char *code = json_string_value(json_object_get(it, "code"));
                const char *name = json_string_value(json_object_get(it, "name"));
                if ((code && !strcmp(code, want)) || (name && !strcmp(name, want)))
                    return true;
            } else if (matches(it, want)) {
                return true;
            }
        }
    }
    return false;
}

enum err
pdf_check_draw(struct pdf_doc *d, const json_t *el)
{
    const json_t *v = json_object_get(d->rec ? d->rec->data : NULL, pdf_str(el, "field", ""));
    if (!matches(v, pdf_str(el, "value", "")))
        return ERR_OK;
    cairo_t *cr = d->cr;
    double x = pdf_num(el, "x", 0), y = pdf_num(el, "y", 0), s = pdf_num(el, "size", 4);
    const char *mark = pdf_str(el, "mark", "✓");
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    /* marks are drawn as paths: no font fallback for symbols IPAex may lack */
    if (!strcmp(mark, "○")) {
        cairo_new_sub_path(cr);
        cairo_arc(cr, x, y, s * 0.45, 0, 2 * G_PI);
        cairo_set_line_width(cr, s * 0.08);
        cairo_stroke(cr);
    } else if (!strcmp(mark, "■")) {
        cairo_rectangle(cr, x - s * 0.4, y - s * 0.4, s * 0.8, s * 0.8);
        cairo_fill(cr);
    } else if (!strcmp(mark, "×")) {
        double r = s * 0.38;
        cairo_move_to(cr, x - r, y - r);
        cairo_line_to(cr, x + r, y + r);
        cairo_move_to(cr, x + r, y - r);
        cairo_line_to(cr, x - r, y + r);
        cairo_set_line_width(cr, s * 0.1);
        cairo_stroke(cr);
    } else {
        cairo_move_to(cr, x - s * 0.38, y);
        cairo_line_to(cr, x - s * 0.1, y + s * 0.32);
        cairo_line_to(cr, x + s * 0.42, y - s * 0.38);
        cairo_set_line_width(cr, s * 0.12);
        cairo_stroke(cr);
    }
    cairo_restore(cr);
    return ERR_OK;
}

void
pdf_line_draw(struct pdf_doc *d, const json_t *el)
{
    cairo_t *cr = d->cr;
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, pdf_num(el, "width", 0.25));
    cairo_move_to(cr, pdf_num(el, "x", 0), pdf_num(el, "y", 0));
    cairo_line_to(cr, pdf_num(el, "x2", 0), pdf_num(el, "y2", 0));
    cairo_stroke(cr);
    cairo_restore(cr);
}

static bool
hex_color(const char *s, double rgb[3])
{
    unsigned v;
    if (!s || strlen(s) != 7 || s[0] != '#' || strspn(s + 1, "0123456789abcdefABCDEF") != 6 ||
        sscanf(s + 1, "%x", &v) != 1)
        return false;
    rgb[0] = ((v >> 16) & 0xff) / 255.0;
    rgb[1] = ((v >> 8) & 0xff) / 255.0;
    rgb[2] = (v & 0xff) / 255.0;
    return true;
}

void
pdf_rect_draw(struct pdf_doc *d, const json_t *el)
{
    cairo_t *cr = d->cr;
    double rgb[3], width = pdf_num(el, "width", 0.25);
    cairo_save(cr);
    cairo_rectangle(cr, pdf_num(el, "x", 0), pdf_num(el, "y", 0), pdf_num(el, "w", 0),
                    pdf_num(el, "h", 0));
    if (hex_color(pdf_str(el, "fill", NULL), rgb)) {
        cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        cairo_fill_preserve(cr);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    if (width > 0) {
        cairo_set_line_width(cr, width);
        cairo_stroke(cr);
    }
    cairo_new_path(cr);
    cairo_restore(cr);
}
