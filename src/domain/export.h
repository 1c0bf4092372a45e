/* export: the records of an app that the caller may view, as a table for spreadsheets — one
 * line per record (per subtable row when the export has subtable columns), the header the
 * fields' labels — written as CSV (RFC 4180; UTF-8 with BOM, or Shift_JIS/CP932 for older
 * Excel setups) or XLSX. Permissions are those of records.json: records the caller may not
 * view are not selected, fields it may not view are not columns (or are empty on the records
 * where a per-record field rule hides them). */
#ifndef MADO_EXPORT_H
#define MADO_EXPORT_H

#include "domain/app.h"
#include "domain/ctx.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;

/* Exports are not paged like records.json (500), but bounded: beyond this many records the
 * request fails with errors.query (ask for a narrower query). */
#define EXPORT_MAX_RECORDS 100000

struct export_table {
    size_t ncols;
    const char **labels; /* ncols header cells */
    size_t nrows;
    const char **cells; /* nrows * ncols, row-major, never NULL ("" when empty); arena */
};

/* The records matching query (kintone syntax: its order by is kept; limit/offset apply only
 * when given) as a table. fields: NULL (every field the caller may view, record number first,
 * then the form's layout order, then the system fields) or an array of field codes (the
 * columns in that order; codes unknown or not visible to the caller are left out). */
enum err export_collect(struct ctx *c, const struct app_def *d, const char *query,
                        const json_t *fields, struct export_table *out) MUST_CHECK;

enum export_enc { EXPORT_UTF8, EXPORT_SJIS };
/* CSV: every cell quoted (quotes doubled), CRLF line ends. UTF-8 starts with a BOM (Excel
 * reads it as UTF-8 then). Shift_JIS is CP932; a character it cannot represent becomes '?'
 * and is counted in *replaced. */
enum err export_csv(struct ctx *c, const struct export_table *t, enum export_enc enc,
                    struct strbuf *out, int64_t *replaced) MUST_CHECK;
/* XLSX (one sheet, header row bold and frozen, every cell text). Written through a temporary
 * file (libxlsxwriter writes to a path) that is removed before returning. */
enum err export_xlsx(struct ctx *c, const struct export_table *t, struct strbuf *out) MUST_CHECK;

#endif
