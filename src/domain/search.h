/* search: the substring search index behind the query language's "like". One row per record
 * and text-bearing field in record_search (SQLite FTS5 trigram / PostgreSQL pg_trgm), whose
 * body is the field's text NFKC-casefolded (core/text.h), so that 全角/半角, half-width
 * katakana and letter case do not matter. Runs inside the caller's transaction. */
#ifndef MADO_SEARCH_H
#define MADO_SEARCH_H

#include "core/err.h"
#include "domain/ctx.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct arena;

/* Replaces the index rows of one record: SINGLE_LINE_TEXT, MULTI_LINE_TEXT, LINK, RICH_TEXT
 * (tags stripped, entities decoded), FILE (names joined by "\n"), and such fields inside
 * subtables (all rows' values joined by "\n", under the inner code). Blank values get no
 * row. props: the app's field properties; data: the stored record data (code → typed
 * value). On SQLite app ids must be below 2^21 and record ids below 2^32 (the row ids encode
 * them so that a record's rows are found without a scan); else ERR_INTERNAL. */
enum err search_index_record(struct ctx *c, int64_t app_id, int64_t record_id, const json_t *props,
                             const json_t *data) MUST_CHECK;
/* Removes the index rows of one record. */
enum err search_delete_record(struct ctx *c, int64_t app_id, int64_t record_id) MUST_CHECK;

/* SQLite: the rowid range [*lo, *hi] that holds all of an app's rows (queries add it so that
 * short patterns scan one app only); false when app_id is outside the encodable range. */
/* SQLite: the rowid of the n-th index row of a record (restoring a snapshot lays rows out
 * the way search_index_record does). */
int64_t search_sqlite_rowid(int64_t app_id, int64_t record_id, int n);
bool search_sqlite_app_rowids(int64_t app_id, int64_t *lo, int64_t *hi);

/* Plain text of a field value as indexed (before folding); NULL when the type is not
 * indexed or the value is blank. def is the field property; arena memory. */
const char *search_field_text(struct arena *a, const json_t *def, const json_t *value);
/* Text of rich-text HTML: tags removed (block tags and <br> become "\n"), entities decoded. */
char *search_html_to_text(struct arena *a, const char *html);

#endif
