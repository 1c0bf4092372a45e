/* pdf_draw: the simple elements — check marks, lines, boxes, images (PNG decoded, JPEG
 * embedded as is) and the QR code of the verification URL. */
#include "core/arena.h"
#include "core/strbuf.h"
#include "domain/blob.h"
#include "domain/calc.h"
#include "domain/value.h"
#include "pdf/pdf_int.h"

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PDF_IMAGE_MAX (20u << 20)

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

bool
pdf_jpeg_size(const unsigned char *p, size_t n, int *w, int *h)
{
    if (n < 4 || p[0] != 0xff || p[1] != 0xd8)
        return false;
    size_t i = 2;
    while (i + 4 <= n) {
        if (p[i] != 0xff)
            return false;
        unsigned char m = p[i + 1];
        if (m == 0xff) {
            i++;
            continue;
        }
        if (m == 0xd8 || m == 0x01 || (m >= 0xd0 && m <= 0xd7)) {
            i += 2;
            continue;
        }
        size_t len = (size_t)p[i + 2] << 8 | p[i + 3];
        if (len < 2 || i + 2 + len > n)
            return false;
        /* SOF0..SOF15 except DHT (c4), JPG (c8), DAC (cc) */
        if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) {
            if (len < 7)
                return false;
            *h = p[i + 5] << 8 | p[i + 6];
            *w = p[i + 7] << 8 | p[i + 8];
            return *w > 0 && *h > 0;
        }
        if (m == 0xd9 || m == 0xda)
            return false;
        i += 2 + len;
    }
    return false;
}

struct rd {
    const unsigned char *p;
    size_t n, off;
};

static cairo_status_t
png_read(void *arg, unsigned char *data, unsigned int len)
{
    struct rd *r = arg;
    if (r->n - r->off < len)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, r->p + r->off, len);
    r->off += len;
    return CAIRO_STATUS_SUCCESS;
}

cairo_surface_t *
pdf_image_surface(const unsigned char *p, size_t n)
{
    static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    int w, h;
    if (n > 8 && !memcmp(p, png_sig, 8)) {
        struct rd r = { p, n, 0 };
        cairo_surface_t *s = cairo_image_surface_create_from_png_stream(png_read, &r);
        if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS)
            return s;
        cairo_surface_destroy(s);
        return NULL;
    }
    if (pdf_jpeg_size(p, n, &w, &h) && w <= 20000 && h <= 20000) {
        /* The PDF backend embeds the JPEG bytes (DCTDecode); the pixels only show in PNG
         * previews, where a grey box stands for the picture. */
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
        if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
            cairo_surface_destroy(s);
            return NULL;
        }
        cairo_t *cr = cairo_create(s);
        cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
        cairo_paint(cr);
        cairo_destroy(cr);
        unsigned char *copy = malloc(n);
        if (!copy) {
            cairo_surface_destroy(s);
            return NULL;
        }
        memcpy(copy, p, n);
        if (cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_JPEG, copy, n, free, copy) !=
            CAIRO_STATUS_SUCCESS) {
            free(copy);
            cairo_surface_destroy(s);
            return NULL;
        }
        return s;
    }
    return NULL;
}

enum err
pdf_image_draw(struct pdf_doc *d, size_t ei, const json_t *el)
{
    struct strbuf sb;
    char key[48];
    const char *hash = pdf_str(el, "file", "");
    snprintf(key, sizeof(key), "elements[%zu].file", ei);
    strbuf_init(&sb, NULL, PDF_IMAGE_MAX);
    enum err e = blob_hash_valid(hash) ? blob_get(d->c, hash, &sb) : ERR_FILE_NOT_FOUND;
    cairo_surface_t *s = e == ERR_OK ? pdf_image_surface((unsigned char *)sb.buf, sb.len) : NULL;
    strbuf_release(&sb);
    if (!s) {
        if (e == ERR_OK || e == ERR_FILE_NOT_FOUND || e == ERR_TOO_LARGE)
            pdf_field_error(d->c, key, "画像ファイルがないか、PNG・JPEG ではありません。",
                            "The image file is missing or not a PNG or JPEG.");
        return e == ERR_OK || e == ERR_FILE_NOT_FOUND || e == ERR_TOO_LARGE ? ERR_INVALID : e;
    }
    double x = pdf_num(el, "x", 0), y = pdf_num(el, "y", 0);
    double bw = pdf_num(el, "w", 20), bh = pdf_num(el, "h", 20);
    int iw = cairo_image_surface_get_width(s), ih = cairo_image_surface_get_height(s);
    double k = bw / iw < bh / ih ? bw / iw : bh / ih;
    cairo_t *cr = d->cr;
    cairo_save(cr);
    cairo_translate(cr, x + (bw - iw * k) / 2, y + (bh - ih * k) / 2);
    cairo_scale(cr, k, k);
    cairo_set_source_surface(cr, s, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_rectangle(cr, 0, 0, iw, ih);
    cairo_fill(cr);
    cairo_restore(cr);
    cairo_surface_destroy(s);
    return ERR_OK;
}

void
pdf_qr_draw(struct pdf_doc *d, const json_t *el)
{
    const char *code = d->rec ? d->rec->verify_code : NULL;
    if (!code || !*code)
        return;
    const char *url = arena_printf(d->c->arena, "%s%s", d->job->verify_base ? d->job->verify_base : "", code);
    QRcode *q = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q)
        return;
    double x = pdf_num(el, "x", 0), y = pdf_num(el, "y", 0), size = pdf_num(el, "size", 20);
    int n = q->width;
    double m = size / (n + 4); /* two modules of quiet zone on each side */
    cairo_t *cr = d->cr;
    cairo_save(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x, y, size, size);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int r = 0; r < n; r++)
        for (int col = 0; col < n; col++)
            if (q->data[r * n + col] & 1)
                cairo_rectangle(cr, x + (col + 2) * m, y + (r + 2) * m, m, m);
    cairo_fill(cr);
    cairo_restore(cr);
    QRcode_free(q);
    if (json_is_true(json_object_get(el, "code")))
        (void)pdf_text_line(d, code, "gothic", false, 7, 7, x + size / 2, y + size, 0, 0,
                            PDF_CENTER);
}
