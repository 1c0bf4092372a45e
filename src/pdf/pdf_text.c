/* pdf_text: Japanese text with pango — single lines that shrink to their width, wrapped text
 * boxes that shrink in 0.5 pt steps to their minimum size, and the overflow error when even
 * that does not fit (text is never cut silently). */
#include "core/arena.h"
#include "pdf/pdf_int.h"

#include <stdio.h>
#include <string.h>

double
pdf_num(const json_t *el, const char *key, double dflt)
{
    const json_t *v = json_object_get(el, key);
    return json_is_number(v) ? json_number_value(v) : dflt;
}

const char *
pdf_str(const json_t *el, const char *key, const char *dflt)
{
    const char *s = json_string_value(json_object_get(el, key));
    return s ? s : dflt;
}

PangoFontDescription *
pdf_font(struct pdf_doc *d, const char *font)
{
    if (!font)
        font = d->font;
    return d->fonts[font && !strcmp(font, "gothic") ? 1 : 0];
}

enum pdf_align
pdf_align_of(const json_t *el, enum pdf_align dflt)
{
    const char *a = pdf_str(el, "align", NULL);
    if (!a)
        return dflt;
    return !strcmp(a, "center") ? PDF_CENTER : !strcmp(a, "right") ? PDF_RIGHT : PDF_LEFT;
}

enum err
pdf_overflow(struct pdf_doc *d, const char *key)
{
    long long id = d->rec ? (long long)d->rec->id : 0;
    char ja[160], en[160];
    snprintf(ja, sizeof(ja), "文字が枠に収まりません（レコード番号 %lld）。", id);
    snprintf(en, sizeof(en), "The text does not fit its box even at the minimum size (record %lld).",
             id);
    pdf_field_error(d->c, key, ja, en);
    return ERR_INVALID;
}

/* Sets the layout's font at pt; returns its logical extents in mm. */
static void
set_size(struct pdf_doc *d, PangoFontDescription *fd, double pt, double *w, double *h,
         double *x0)
{
    PangoRectangle log;
    pango_font_description_set_absolute_size(fd, pt * PDF_MM_PER_PT * PANGO_SCALE);
    pango_layout_set_font_description(d->layout, fd);
    pango_layout_get_extents(d->layout, NULL, &log);
    *w = (double)log.width / PANGO_SCALE;
    *h = (double)log.height / PANGO_SCALE;
    *x0 = (double)log.x / PANGO_SCALE;
}

static PangoFontDescription *
font_for(struct pdf_doc *d, const char *font)
{
    return pango_font_description_copy_static(pdf_font(d, font));
}

/* IPAex has no bold face, and a synthetic one makes cairo embed an unnamed Type 3/CFF
 * fallback font: bold is struck twice, slightly apart (text stays text for pdftotext). */
static void
show(struct pdf_doc *d, double x, double y, bool bold, double pt)
{
    cairo_move_to(d->cr, x, y);
    pango_cairo_show_layout(d->cr, d->layout);
    if (bold) {
        cairo_move_to(d->cr, x + pt * PDF_MM_PER_PT * 0.04, y);
        pango_cairo_show_layout(d->cr, d->layout);
    }
}

bool
pdf_text_line(struct pdf_doc *d, const char *s, const char *font, bool bold, double pt,
              double min_pt, double x, double y, double w, double box_h, enum pdf_align align)
{
    if (!s || !*s)
        return true;
    char *one = NULL;
    if (strpbrk(s, "\r\n\t")) {
        /* one line: line breaks of multi-line values become spaces */
        one = arena_strdup(d->c->arena, s);
        for (char *p = one; *p; p++)
            if (*p == '\r' || *p == '\n' || *p == '\t')
                *p = ' ';
        s = one;
    }
    PangoLayout *l = d->layout;
    pango_layout_set_width(l, -1);
    pango_layout_set_alignment(l, PANGO_ALIGN_LEFT);
    pango_layout_set_line_spacing(l, 0);
    pango_layout_set_text(l, s, -1);
    PangoFontDescription *fd = font_for(d, font);
    double tw, th, x0;
    if (min_pt > pt)
        min_pt = pt;
    for (;;) {
        set_size(d, fd, pt, &tw, &th, &x0);
        if (w <= 0 || tw <= w + 1e-6)
            break;
        if (pt - PDF_SIZE_STEP < min_pt - 1e-9) {
            pango_font_description_free(fd);
            return false;
        }
        pt -= PDF_SIZE_STEP;
    }
    pango_font_description_free(fd);
    double xx = x;
    if (w > 0)
        xx = align == PDF_CENTER ? x + (w - tw) / 2 : align == PDF_RIGHT ? x + w - tw : x;
    else
        xx = align == PDF_CENTER ? x - tw / 2 : align == PDF_RIGHT ? x - tw : x;
    double yy = box_h > 0 ? y + (box_h - th) / 2 : y;
    show(d, xx - x0, yy, bold, pt);
    return true;
}

bool
pdf_text_box(struct pdf_doc *d, const char *s, const char *font, bool bold, double pt,
             double min_pt, double line_height, double x, double y, double w, double h,
             enum pdf_align align)
{
    if (!s || !*s)
        return true;
    PangoLayout *l = d->layout;
    pango_layout_set_width(l, (int)(w * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l, align == PDF_CENTER  ? PANGO_ALIGN_CENTER
                                  : align == PDF_RIGHT ? PANGO_ALIGN_RIGHT
                                                       : PANGO_ALIGN_LEFT);
    pango_layout_set_line_spacing(l, (float)line_height);
    pango_layout_set_text(l, s, -1);
    PangoFontDescription *fd = font_for(d, font);
    double tw, th, x0;
    if (min_pt > pt)
        min_pt = pt;
    bool ok = true;
    for (;;) {
        set_size(d, fd, pt, &tw, &th, &x0);
        /* a word wider than the box is not broken by WORD_CHAR's word pass: it would stick out */
        if (th <= h + 1e-6 && tw <= w + 1e-6)
            break;
        if (pt - PDF_SIZE_STEP < min_pt - 1e-9) {
            ok = false;
            break;
        }
        pt -= PDF_SIZE_STEP;
    }
    pango_font_description_free(fd);
    if (ok)
        show(d, x, y, bold, pt);
    pango_layout_set_width(l, -1);
    pango_layout_set_line_spacing(l, 0);
    return ok;
}
