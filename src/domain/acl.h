/* acl: the one place that decides what the caller may do with an app, its records and their
 * fields, with kintone's semantics:
 *  - app ACL (app/acl.json): priority-ordered rights per USER / GROUP / ORGANIZATION (with
 *    subsidiaries) / CREATOR (the app's creator); the first entry that matches the caller
 *    decides; no match = no rights. Absent = kintone's default (creator: everything, everyone:
 *    records).
 *  - record ACL (record/acl.json): priority-ordered conditions in the query language; the first
 *    condition a record matches applies, and within it the first entity that matches the caller
 *    (USER, GROUP, ORGANIZATION, FIELD_ENTITY = a user/org/group field or 作成者/更新者 of the
 *    record); no entity = no rights; no condition matching = the app rights. Record rights are
 *    always within the app rights.
 *  - field ACL (field/acl.json): per field, the first matching entity gives READ/WRITE/NONE;
 *    listed fields the caller matches no entity of are NONE.
 * Record conditions become SQL (lists filter in the database, never after fetching); field
 * rules become a per-request list of hidden and read-only fields. API tokens carry their own
 * per-app rights and are not subject to record/field ACL (as in kintone); PRIN_SYSTEM (CLI)
 * may do everything. Named administrators always hold app management (so nobody can lock the
 * ward out of an app) but see records only as the ACL allows. */
#ifndef MADO_ACL_H
#define MADO_ACL_H

#include "domain/app.h"
#include "domain/ctx.h"

#include <jansson.h>

struct query_plan;
struct strbuf;

/* App rights. ERR_OK, ERR_TOKEN_APP (tokens for other apps only), ERR_FORBIDDEN or
 * ERR_APP_NOT_FOUND. need: ACL_* bits. acl_app loads the live definition itself;
 * acl_app_def uses one already loaded (must be the live one). */
enum err acl_app(struct ctx *c, int64_t app_id, unsigned need) MUST_CHECK;
enum err acl_app_def(struct ctx *c, const struct app_def *live, unsigned need) MUST_CHECK;
/* The caller's ACL_* bits on an app (live definition). */
unsigned acl_app_rights(struct ctx *c, const struct app_def *live);
/* Creating apps, managing users and the system: named administrators (and the CLI). */
enum err acl_admin(struct ctx *c) MUST_CHECK;

/* Validates and normalises rights for PUT app/acl.json, record/acl.json, field/acl.json
 * against the app's fields; *out is the stored form. Errors are field errors ("rights[2]..."). */
enum err acl_check_app_rights(struct ctx *c, const json_t *rights, json_t **out) MUST_CHECK;
enum err acl_check_record_rights(struct ctx *c, const struct app_def *d, const json_t *rights,
                                 json_t **out) MUST_CHECK;
enum err acl_check_field_rights(struct ctx *c, const struct app_def *d, const json_t *rights,
                                json_t **out) MUST_CHECK;
/* The default app rights (kintone's for a new app). New JSON. */
json_t *acl_default_app_rights(void);

/* ---- records -------------------------------------------------------------------------- */

/* What one caller may see of one app's records: built once per request and app (cached in the
 * request arena). */
struct acl_fields {
    bool restricted;      /* any field rule applies to the caller */
    int nhidden;          /* never visible (NONE, or decided per record: treated as hidden in
                             queries; shown per record by acl_record_fields) */
    const char **hidden;
    int nreadonly;        /* visible, not writable */
    const char **readonly;
    int ndynamic;         /* FIELD_ENTITY rules: visibility depends on the record */
    const char **dynamic;
    json_t *props;        /* the app's field properties minus hidden and dynamic fields
                             (borrowed refs; for the query compiler), or d->props */
};
enum err acl_fields_for(struct ctx *c, const struct app_def *d, const struct acl_fields **out) MUST_CHECK;

/* Appends " AND (<record view condition>)" to plan->where when the record ACL restricts the
 * caller (perm: ACL_VIEW, ACL_EDIT or ACL_DELETE); parameters continue plan's numbering. */
enum err acl_filter_records(struct ctx *c, const struct app_def *d, unsigned perm,
                            struct query_plan *plan) MUST_CHECK;
/* The SQL boolean (alias r) of perm for the caller, appended to sb with parameters added to
 * plan; "TRUE" when unrestricted. */
enum err acl_record_sql(struct ctx *c, const struct app_def *d, unsigned perm,
                        struct query_plan *plan, struct strbuf *sb) MUST_CHECK;
/* One record: ERR_OK, ERR_FORBIDDEN (exists, not allowed) or ERR_RECORD_NOT_FOUND. Includes
 * the app right for perm. */
enum err acl_record(struct ctx *c, const struct app_def *d, int64_t id, unsigned perm) MUST_CHECK;
/* Checks that every field code written in `in` (a kintone write record) is writable by the
 * caller on record id (0 = new record). Hidden fields answer ERR_FORBIDDEN without naming the
 * field. */
enum err acl_check_write(struct ctx *c, const struct app_def *d, int64_t id, const json_t *in) MUST_CHECK;
/* After a failed write: removes from c->fail's field errors every entry about a field the
 * caller may not see (a required or unique hidden field would otherwise name it). When none
 * is left the error becomes ERR_FORBIDDEN. Returns the error to report. */
enum err acl_scrub_errors(struct ctx *c, const struct app_def *d, enum err e);

/* Per-record field visibility for FIELD_ENTITY rules: the codes (from f->dynamic) the caller
 * may not see on record id, as a NULL-terminated arena array (empty when none). */
enum err acl_record_hidden(struct ctx *c, const struct app_def *d, int64_t id,
                           const char ***hidden) MUST_CHECK;

/* A file attached to record id: the record must be viewable and the field holding the file
 * visible to the caller. ERR_FORBIDDEN otherwise (ERR_RECORD_NOT_FOUND if the record is gone). */
enum err acl_file(struct ctx *c, const struct app_def *d, int64_t id, const char *file_key) MUST_CHECK;

/* Appends ", <expr>" per dynamic field (f->dynamic order): the caller's access to it on the
 * current row as an integer (0 none, 1 read, 2 write); parameters join plan. */
enum err acl_field_columns(struct ctx *c, const struct app_def *d, struct query_plan *plan,
                           struct strbuf *sb) MUST_CHECK;

/* records/acl/evaluate.json for up to 100 ids: {"rights":[{id, record:{viewable, editable,
 * deletable}, fields:{code:{viewable, editable}}}]}. Unknown ids are left out. */
enum err acl_evaluate(struct ctx *c, const struct app_def *d, const int64_t *ids, int n,
                      json_t **out) MUST_CHECK;

/* Frees this thread's cached directory facts (worker shutdown, tests). */
void acl_facts_cache_clear(void);

/* Stores, for record id (0 = every record of the app), which record-permission conditions it
 * matches (records.acl_bits / acl_rev), so reads test a bit instead of evaluating conditions on
 * the record's JSON. Called by record writes and by deploy; a no-op for apps without
 * record-dependent rules. Reads stay correct without it (stale rows are evaluated in SQL). */
enum err acl_bits_refresh(struct ctx *c, const struct app_def *live, int64_t id) MUST_CHECK;

/* Fills c->who's directory facts (groups, organisations with ancestors) if not done yet. */
enum err acl_load_principal(struct ctx *c) MUST_CHECK;

#endif
