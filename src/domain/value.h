/* value: record values. value_apply() validates a kintone write ({code:{value}}) against the
 * app's properties and builds the stored `data` object (preamble format); value_to_wire()
 * renders stored data as kintone's GET record JSON. Pure functions over jansson: no SQL, no
 * HTTP; what needs the database (files, users, row ids, unique checks) comes through hooks or
 * is left to the caller. Returned json_t * are NEW references owned by the caller. */
#ifndef MADO_VALUE_H
#define MADO_VALUE_H

#include "core/err.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct arena;
struct ctx;

struct value_hooks {
    void *arg;
    /* Upload key (from POST file.json) → stored file object {fileKey,name,contentType,size}
     * with a NEW download key (new reference in *file_obj). Returns ERR_OK; ERR_INVALID when the
     * key is unknown (value_apply then records fail_field(<key>, MSG_BAD_FILE, upload_key)
     * itself: the hook must not); any other error aborts value_apply with that error, recorded
     * with fail_set() unless the hook did (ERR_FILE_NOT_FOUND with the key, as kintone's
     * GAIA_BL01).
     * Download keys already present in the current value are kept without calling this.
     * NULL hook = every new key is unknown. */
    enum err (*resolve_file)(void *arg, const char *upload_key, json_t **file_obj);
    /* kind "USER" / "ORGANIZATION" / "GROUP": true if the entity exists. NULL = accept all. */
    bool (*entity_exists)(void *arg, const char *kind, const char *code);
    /* Fresh subtable row id. NULL = max(existing row ids of the record) + 1, + 2... */
    int64_t (*next_row_id)(void *arg);
};

enum value_mode {
    VALUE_CREATE,
    VALUE_UPDATE
};

/* CREATE: out-parameter, reset by value_apply and filled from the record's CREATOR / MODIFIER
 * ({code}) and CREATED_TIME / UPDATED_TIME (ISO) values (import with admin rights).
 * UPDATE: in-parameter, optional: the caller may set creator / created_at (has_*) of the
 * current record so that formulas referencing CREATOR / CREATED_TIME see them. Strings live in
 * c->arena. */
struct value_sys {
    const char *creator, *modifier;
    int64_t created_at, updated_at;
    bool has_creator, has_modifier, has_created_at, has_updated_at;
};

/* Validates the request record `in` ({code:{value:...}}; "type" ignored; NULL = {}) against
 * props and builds the stored data (*out, new reference; NULL on error).
 * CREATE: omitted fields get defaultValue / defaultNowValue (caller's zone c->tz_offset, c->now);
 * an explicit "" / [] is respected. UPDATE: merged onto `current` (omitted keys keep their
 * value; no defaults) and the MERGED record is checked for required fields. Checks: required,
 * minLength/maxLength (characters), minValue/maxValue, number syntax ("1.5e1" → 15; numbers or
 * numeric strings; "" = empty; at most 30 integer and 30 decimal digits), options, DATE / TIME
 * / DATETIME formats (datetime with offset → UTC, minute precision; without offset = caller's
 * zone), LINK (WEB: http/https/ftp or no scheme; MAIL: an address), entities [{code}], FILE
 * [{fileKey}], SUBTABLE rows (known id → merged field by field; no or unknown id → new row with
 * next_row_id() and defaults; rows not sent are deleted; "value":[] deletes all; a non-numeric
 * NUMBER inside a table silently becomes empty), RICH_TEXT sanitised (value_html_sanitize),
 * CALC and text formulas recomputed from the merged record (sent values ignored).
 * RECORD_NUMBER / STATUS / STATUS_ASSIGNEE / CATEGORY / GROUP / REFERENCE_TABLE and "$id",
 * "$revision" in `in` are ignored; unknown codes → fail_field("<prefix>.<code>",
 * MSG_UNKNOWN_FIELD). unique is NOT checked (see value_unique_each).
 * Error keys: "<prefix>.<code>.value", "<prefix>.<code>.values" (CHECK_BOX / MULTI_SELECT /
 * FILE required), "<prefix>.<code>.values.value" (USER/ORG/GROUP_SELECT required),
 * "<prefix>.<code>.values[i].value" (bad option / entity), "<prefix>[<code>].value" (number
 * syntax, as kintone), "<prefix>.<table>.value[<row>].value.<inner>.value...".
 * prefix is e.g. "record" or "records[3]". Returns ERR_INVALID if any field error was recorded
 * by this call, ERR_OK otherwise (or the error of a hook). */
enum err value_apply(struct ctx *c, const json_t *props, const json_t *in, const json_t *current,
                     enum value_mode mode, const char *prefix, const struct value_hooks *h,
                     json_t **out, struct value_sys *sys) MUST_CHECK;

/* One stored record for value_to_wire (borrowed pointers). status / assignees only matter when
 * the STATUS field is enabled; assignees is a JSON array of login codes or NULL. */
struct value_row {
    int64_t id, revision, created_at, updated_at;
    const char *creator, *modifier, *status;
    const json_t *assignees;
    const json_t *data;
};

/* Display names (kind "USER" / "ORGANIZATION" / "GROUP"); may return NULL → the code is used.
 * The returned string must stay valid until value_to_wire returns. */
typedef const char *value_name_fn(void *arg, const char *kind, const char *code);

/* kintone wire record for GET: {code:{type,value}} for every field with a value in props (or
 * only those named in `fields`, a JSON array, when not NULL; a subtable is selected by its
 * code), "$id" {type:"__ID__",value:"12"} and "$revision" {type:"__REVISION__",value:"3"}
 * always. Numbers, ids and sizes as strings, NUMBER/CALC plain decimals ("15", "1.5");
 * empty: "" for texts/NUMBER/CALC/DATETIME/LINK, null for DROP_DOWN/RADIO_BUTTON/DATE/TIME,
 * [] for lists. CREATED_TIME/UPDATED_TIME minute precision "YYYY-MM-DDTHH:MM:00Z";
 * CREATOR/MODIFIER {code,name}; USER_SELECT etc. [{code,name}]; FILE
 * [{contentType,fileKey,name,size}]; SUBTABLE [{id:"48290",value:{...}}]; STATUS /
 * STATUS_ASSIGNEE / CATEGORY only when enabled. name may be NULL. New reference. */
json_t *value_to_wire(struct ctx *c, const json_t *props, const struct value_row *row,
                      const json_t *fields, value_name_fn *name, void *arg);

/* Calls fn for every top-level unique-constrained field (SINGLE_LINE_TEXT, NUMBER, LINK, DATE,
 * DATETIME with "unique": true) with a non-empty value, normalised to a string (numbers in
 * canonical decimal form), for the unique index table. */
void value_unique_each(const json_t *props, const json_t *data,
                       void (*fn)(void *arg, const char *code, const char *value), void *arg);

/* Canonical string of a stored scalar (NUMBER number → "15", "1.5"; string as is; null → "").
 * Returns buf or the stored string. buf ≥ CALC_NUMBUF bytes. */
const char *value_scalar_text(const json_t *v, char *buf, size_t n);

/* RICH_TEXT sanitiser: keeps an allow-list of tags and attributes, drops script/style/iframe/
 * object... with their content, comments, event handlers (on*), and URLs whose scheme is not
 * http/https/mailto/tel/ftp (img: also data:image/png|gif|jpeg|webp); escapes stray "<".
 * Result in the arena. */
char *value_html_sanitize(struct arena *a, const char *html);

#endif
