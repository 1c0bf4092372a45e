/* pdf: documents from templates (docs/templates.md) — the PrintCreator part. Pages are drawn
 * with cairo onto a PDF surface: the official form's page from a background PDF as vectors
 * (poppler-glib), Japanese text laid out by pango in IPAex Mincho / Gothic (embedded as
 * subsets by cairo), check marks, lines, boxes, tables from SUBTABLEs that continue on further
 * pages, images, QR codes (libqrencode) and page numbers. The same drawing gives PNG previews.
 * Backgrounds and images are read from the blob store (blob_get); a parsed background is cached
 * per process by its address. Thread-safe: every worker may render at once. */
#ifndef MADO_PDF_H
#define MADO_PDF_H

#include "core/err.h"
#include "domain/ctx.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;

/* Checks template def against the app's field properties (props: {code: {type, label,
 * fields (SUBTABLE)...}}): ERR_INVALID with field errors keyed by the template's JSON path
 * ("elements[3].field", "page.size", "background.file"). Blob addresses (background, images)
 * must exist. */
enum err pdf_template_check(struct ctx *c, const json_t *def, const json_t *props) MUST_CHECK;

/* One record to draw. */
struct pdf_record {
    int64_t id;
    const json_t *data;        /* stored values {code: value} (record_read shapes); users,
                                  organisations and groups print by name when the caller
                                  puts {code, name} objects in place of the stored codes */
    const char *receipt_no;    /* $receiptNo, or NULL */
    const char *verify_code;   /* $docCode and the QR, or NULL (no QR drawn) */
};

struct pdf_job {
    const json_t *def;         /* a checked template */
    const json_t *props;       /* the app's field properties */
    const struct pdf_record *records;
    size_t nrecords;           /* kind record: one document per record, one after the other in
                                  the same PDF; kind list: one document of nrecords rows */
    const char *verify_base;   /* "<public_url>/verify/" — QR content is base + code */
    int64_t today;             /* $today: days since 1970-01-01 (JST) */
    /* called after each record is drawn (a progress bar); may be NULL */
    void (*progress)(void *arg, size_t done, size_t total);
    void *progress_arg;
};

/* Renders the job to PDF bytes appended to out. Text that cannot fit at its minimum size:
 * ERR_INVALID with a field error "elements[i]" (or "list.columns[i]") whose message names the
 * record id; nothing is appended. Missing blobs: ERR_INVALID on "background.file" /
 * "elements[i].file". */
enum err pdf_render(struct ctx *c, const struct pdf_job *job, struct strbuf *out) MUST_CHECK;

/* Page `page` (0-based) of the job as a PNG at dpi (72–300) appended to out; ERR_NOT_FOUND
 * when the document has fewer pages. For the template editor's preview. */
enum err pdf_render_png(struct ctx *c, const struct pdf_job *job, int page, double dpi,
                        struct strbuf *out) MUST_CHECK;

/* The file name of record r's document by the template's fileName rule: placeholders filled,
 * characters not allowed in file names replaced by '_', ".pdf" at the end (arena string). */
const char *pdf_file_name(struct ctx *c, const struct pdf_job *job, const struct pdf_record *r);

/* Frees the process-wide caches (parsed backgrounds, font maps); call at exit. */
void pdf_shutdown(void);

/* Frees the calling thread's pango font map (pango keeps one per thread); worker threads that
 * rendered call it before they exit. Rendering again afterwards is fine (a new map is made). */
void pdf_thread_exit(void);

#endif
