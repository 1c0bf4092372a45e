/* pdf_bundle: several issued documents as one zip for a download (the staff list's bulk
 * 「文書を作成」). Entries are stored, not deflated: PDFs are compressed already. Names that
 * occur twice get -2, -3 ... before their extension, as `madoguchi print --zip` does. */
#ifndef MADO_PDF_BUNDLE_H
#define MADO_PDF_BUNDLE_H

#include "core/err.h"
#include "domain/ctx.h"

#include <stddef.h>

struct strbuf;

struct pdf_bundle_item {
    const char *name;
    const void *data;
    size_t len;
};

/* Appends the zip of items to out (heap strbuf). ERR_INTERNAL (logged) when libzip fails. */
enum err pdf_bundle_zip(struct ctx *c, const struct pdf_bundle_item *items, size_t n,
                        struct strbuf *out) MUST_CHECK;

#endif
