/* pdf_int: what the pdf modules share — the state of one rendering (cairo context in
 * millimetres, pango layout and fonts, the background), value formatting, text drawing,
 * tables, images, QR codes and the background cache. Not for use outside src/pdf. */
#ifndef MADO_PDF_INT_H
#define MADO_PDF_INT_H

#include "core/err.h"
#include "domain/ctx.h"
#include "pdf/pdf.h"

#include <cairo.h>
#include <jansson.h>
#include <pango/pangocairo.h>
#include <stdbool.h>

#define PDF_MM_PER_PT (25.4 / 72.0)
#define PDF_DEFAULT_SIZE 10.5
#define PDF_DEFAULT_MIN 6.0
#define PDF_SIZE_STEP 0.5

enum pdf_align { PDF_LEFT, PDF_CENTER, PDF_RIGHT };

struct pdf_bg;

/* One rendering (a PDF or a PNG preview of one page). */
struct pdf_doc {
    struct ctx *c;
    const struct pdf_job *job;
    const json_t *def;
    double pw, ph;          /* page size, mm */
    double margin[4];       /* top right bottom left, mm */
    const char *font;       /* "mincho" / "gothic" */
    double size;            /* pt */
    cairo_t *cr;            /* user space in mm, origin top-left of the page */
    PangoContext *pctx;
    PangoLayout *layout;
    PangoFontDescription *fonts[2]; /* mincho, gothic */
    struct pdf_bg *bg;
    int bg_page;            /* 0-based */
    const struct pdf_record *rec; /* the record being drawn (kind list: the first one) */
    json_t *answers;        /* rec's values for conditions (fcond shapes) */
};

/* pdf_value.c */
/* Text of value code (a field code, "$id", "$today", "$receiptNo", "$docCode") of record r;
 * data is r->data or a table row's values. format may be NULL. Arena string, "" when empty. */
const char *pdf_value(struct pdf_doc *d, const json_t *data, const char *code,
                      const json_t *format);
/* A stored value as text with format applied. */
const char *pdf_format(struct pdf_doc *d, const json_t *v, const json_t *format);
/* Literal text with "{code}" / "{code:date pattern}" placeholders filled (format applies to
 * each placeholder that has no pattern of its own). */
const char *pdf_fill(struct pdf_doc *d, const json_t *data, const char *tmpl,
                     const json_t *format);
/* Date pattern ("wareki", "wareki-kanji", or yyyy mm m dd d with other characters as is). */
bool pdf_date_pattern_valid(const char *p);
/* Checks a "format" object; false with a static reason. */
bool pdf_format_valid(const json_t *format, const char **why);
/* Record values as the forms' condition language wants them ({code: string|[string]}). */
json_t *pdf_answers(const struct pdf_record *r);

/* pdf_text.c */
PangoFontDescription *pdf_font(struct pdf_doc *d, const char *font);
enum pdf_align pdf_align_of(const json_t *el, enum pdf_align dflt);
/* One line at (x, y) (top of the line box). w > 0: aligned in [x, x+w] and shrunk by 0.5 pt
 * down to min_pt when too wide; w == 0: x is the start (left), centre or end (right).
 * box_h > 0: vertically centred in [y, y+box_h] (table cells). false = does not fit. */
bool pdf_text_line(struct pdf_doc *d, const char *s, const char *font, bool bold, double pt,
                   double min_pt, double x, double y, double w, double box_h,
                   enum pdf_align align);
/* Wrapped text in the box (x, y, w, h), shrunk to fit; false = does not fit at min_pt. */
bool pdf_text_box(struct pdf_doc *d, const char *s, const char *font, bool bold, double pt,
                  double min_pt, double line_height, double x, double y, double w, double h,
                  enum pdf_align align);
/* Records the overflow error of element key for the current record. */
enum err pdf_overflow(struct pdf_doc *d, const char *key);
/* Element-level helpers shared by the drawing code. */
double pdf_num(const json_t *el, const char *key, double dflt);
const char *pdf_str(const json_t *el, const char *key, const char *dflt);

/* pdf_table.c */
struct pdf_rows {
    size_t n;          /* rows */
    size_t first;      /* rows that fit on the table's first page */
    size_t per_page;   /* rows on each further page */
};
/* Row split of a table/list: y0 first page's top, y_next further pages' top. */
void pdf_rows_plan(struct pdf_rows *p, size_t n, double y0, double y_next, double bottom,
                   double header_h, double row_h);
size_t pdf_rows_pages(const struct pdf_rows *p);
/* Draws the rows of page `page` of a table element (or of the list: list != NULL). */
enum err pdf_table_draw(struct pdf_doc *d, size_t ei, const json_t *el, int page);
enum err pdf_list_draw(struct pdf_doc *d, const json_t *list, int page);
/* Pages a table element needs for the current record (1 when it fits). */
size_t pdf_table_pages(struct pdf_doc *d, const json_t *el);
size_t pdf_list_pages(struct pdf_doc *d, const json_t *list);

/* pdf_draw.c: check, line, rect; pdf_image.c; pdf_qr.c */
enum err pdf_check_draw(struct pdf_doc *d, const json_t *el);
void pdf_line_draw(struct pdf_doc *d, const json_t *el);
void pdf_rect_draw(struct pdf_doc *d, const json_t *el);
enum err pdf_image_draw(struct pdf_doc *d, size_t ei, const json_t *el);
void pdf_qr_draw(struct pdf_doc *d, const json_t *el);
/* Image bytes → cairo surface (PNG decoded; JPEG as a placeholder of its size carrying the
 * JPEG bytes as mime data); NULL when neither. */
cairo_surface_t *pdf_image_surface(const unsigned char *p, size_t n);
bool pdf_jpeg_size(const unsigned char *p, size_t n, int *w, int *h);

/* pdf_bg.c: parsed background PDFs, cached by blob address */
/* ERR_FILE_NOT_FOUND (missing blob), ERR_INVALID (not a PDF) or ERR_OK with a reference that
 * pdf_bg_release() gives back. *npages = the document's pages. */
enum err pdf_bg_acquire(struct ctx *c, const char *hash, struct pdf_bg **out, int *npages);
void pdf_bg_release(struct pdf_bg *bg);
/* Draws page (0-based) scaled to the page size, as vectors. */
void pdf_bg_draw(struct pdf_bg *bg, cairo_t *cr, int page, double pw, double ph);
void pdf_bg_shutdown(void);

/* pdf_check.c */
bool pdf_page_size(const json_t *def, double *pw, double *ph);
/* Localised message as a field error (ja / en picked by c->lang). */
void pdf_field_error(struct ctx *c, const char *key, const char *ja, const char *en);

#endif
