/* Internal helpers shared by the directory's files (dir*.c): validation with bilingual field
 * errors, code → id lookups, row readers and the change description for the event trail. */
#ifndef MADO_DIR_INT_H
#define MADO_DIR_INT_H

#include "db/db.h"
#include "domain/dir.h"

struct db_res;

enum err dir_db_fail(struct ctx *c, int rc);
/* The Japanese or English text, following the language of c->fail. */
const char *dir_tr(struct ctx *c, const char *ja, const char *en);
/* Adds a field error with a message of our own (both languages given). */
void dir_field(struct ctx *c, const char *key, const char *ja, const char *en);
/* ERR_NOT_FOUND: "指定した<what>が見つかりません。" */
enum err dir_not_found(struct ctx *c, const char *what_ja, const char *what_en);

/* Codes: 1..DIR_CODE_MAX characters of valid UTF-8, no white space, control characters, ',' or
 * ';' (the CSV list separator). */
bool dir_check_code(struct ctx *c, const char *key, const char *s);
/* Display texts: no control characters (newlines only when multiline), ≤ max characters;
 * required = not blank. */
bool dir_check_text(struct ctx *c, const char *key, const char *s, bool required, size_t max,
                    bool multiline);
bool dir_check_email(struct ctx *c, const char *key, const char *s);
bool dir_check_sort(struct ctx *c, const char *key, int64_t v);

/* id of a code through sql ("SELECT id FROM ... WHERE code = $1"); *id = 0 when missing. */
enum err dir_id_of(struct ctx *c, const char *sql, const char *code, int64_t *id) MUST_CHECK;
/* One int64 column list of sql with one int parameter. */
enum err dir_ids(struct ctx *c, const char *sql, int64_t param, int64_t **out,
                 size_t *n) MUST_CHECK;
enum err dir_count(struct ctx *c, const char *sql, int64_t param, int64_t *out) MUST_CHECK;

void dir_read_user(struct ctx *c, struct db_res *res, void *out);
void dir_read_org(struct ctx *c, struct db_res *res, void *out);
void dir_read_group(struct ctx *c, struct db_res *res, void *out);

/* The one row sql finds with parameter p, read with read into out; *found says whether
 * there was one. */
enum err dir_load_one(struct ctx *c, const char *sql, struct db_param p,
                      void (*read)(struct ctx *, struct db_res *, void *), void *out,
                      bool *found) MUST_CHECK;

/* Runs sql (params: limit, offset[, extra]) and reads every row with read into an arena
 * array of elem-sized items. */
enum err dir_list(struct ctx *c, const char *sql, int64_t limit, int64_t offset,
                  const int64_t *extra, size_t elem,
                  void (*read)(struct ctx *, struct db_res *, void *), void **out,
                  size_t *n) MUST_CHECK;
/* Every row of sql with one int parameter ($1). */
enum err dir_rows(struct ctx *c, const char *sql, int64_t param, size_t elem,
                  void (*read)(struct ctx *, struct db_res *, void *), void **out,
                  size_t *n) MUST_CHECK;
/* The same for key lookups (by id or by code), one query per key, then sorted by id. */
enum err dir_list_keys(struct ctx *c, const struct dir_query *q, const char *sql_by_id,
                       const char *sql_by_code, size_t elem,
                       void (*read)(struct ctx *, struct db_res *, void *),
                       int64_t (*id_of)(const void *), void **out, size_t *n) MUST_CHECK;

/* Organisations (dir_org.c), for the import's two passes: field checks of an org row,
 * the cycle check of giving id the parent parent_id (error under key), and the raw write. */
bool dir_org_validate(struct ctx *c, const struct dir_org_in *in);
enum err dir_org_check_parent(struct ctx *c, const char *key, int64_t id,
                              int64_t parent_id) MUST_CHECK;
enum err dir_org_set_parent(struct ctx *c, int64_t id, int64_t parent_id) MUST_CHECK;

/* Change descriptions: a JSON object, rendered into the arena at the end. */
json_t *dir_detail_new(struct ctx *c);
const char *dir_detail_done(struct ctx *c, json_t *d);
/* Sets d[key] = new when old and new differ (NULL = ""); returns true if it did. */
bool dir_detail_str(json_t *d, const char *key, const char *old, const char *nu);
bool dir_detail_int(json_t *d, const char *key, int64_t old, int64_t nu);
bool dir_detail_bool(json_t *d, const char *key, bool old, bool nu);

#endif
