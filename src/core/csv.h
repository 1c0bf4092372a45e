/* csv: a strict RFC 4180 reader for the administrator's import files. UTF-8 only (a leading
 * BOM is skipped; invalid UTF-8 and NUL bytes are refused with their line number), fields
 * separated by commas, records by CRLF or LF, double-quoted fields may hold commas, quotes
 * ("") and line breaks (kept as LF). Blank lines are skipped; spaces and tabs around a field
 * are dropped. Errors carry the physical line number, because that is what an administrator
 * looks for in a spreadsheet export. Memory comes from the caller's arena. */
#ifndef MADO_CSV_H
#define MADO_CSV_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

#define CSV_MAX_FIELDS 64

enum csv_error {
    CSV_OK = 0,
    CSV_BAD_UTF8,       /* invalid UTF-8 or a NUL byte */
    CSV_UNTERMINATED,   /* a quoted field runs to the end of the file */
    CSV_BAD_QUOTE,      /* a quote inside an unquoted field, or text after a closing quote */
    CSV_TOO_MANY_FIELDS /* more than CSV_MAX_FIELDS */
};

struct csv_reader {
    struct arena *arena;
    const char *p, *end;
    int line; /* physical line of p (1-based) */
    enum csv_error error;
    int error_line;
};

/* Checks the whole buffer (UTF-8, no NUL) and positions the reader after a BOM. false on
 * invalid input, with r->error and r->error_line set. */
bool csv_open(struct csv_reader *r, struct arena *a, const char *buf, size_t n);
/* Next record: 1 with fields[0..*nfields) (arena strings) and *line = the line it starts
 * on; 0 at the end; -1 on a syntax error (r->error, r->error_line). */
int csv_next(struct csv_reader *r, char **fields, int *nfields, int *line);
/* Japanese / English description of an error, for messages. */
const char *csv_error_text(enum csv_error e, bool english);

#endif
