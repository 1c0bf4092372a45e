/* pdf_qr: the QR code of the document's verification URL (libqrencode, level M), drawn as
 * filled squares, with the short code printed under it on request. */
#include "core/arena.h"
#include "pdf/pdf_int.h"

#include <qrencode.h>

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
