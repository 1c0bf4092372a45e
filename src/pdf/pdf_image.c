/* pdf_image: pictures from the blob store (e.g. the ward's seal) — PNG decoded by cairo,
 * JPEG embedded in the PDF as it is (its size read from the SOF marker), scaled into their
 * box keeping proportions. */
#include "core/strbuf.h"
#include "domain/blob.h"
#include "pdf/pdf_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PDF_IMAGE_MAX (20u << 20)

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
