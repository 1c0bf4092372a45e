/* field: app form field definitions ("properties", kept exactly in the shape of kintone's GET
 * app/form/fields.json) and the form layout. Validates and merges the bodies of
 * POST/PUT/DELETE preview/app/form/fields.json and PUT preview/app/form/layout.json.
 * Pure functions over jansson: no SQL, no HTTP. Functions returning json_t * hand the caller a
 * NEW reference unless they say "borrowed"; errors go to c->fail with kintone's keys
 * ("properties.<code>.<prop>", "properties.<table>.fields.<inner>.<prop>", "fields[i]",
 * "layout[i]..."). */
#ifndef MADO_FIELD_H
#define MADO_FIELD_H

#include "core/err.h"

#include <jansson.h>
#include <stdbool.h>

struct ctx;

enum ftype {
    FT_UNKNOWN,
    FT_RECORD_NUMBER,
    FT_CREATOR,
    FT_CREATED_TIME,
    FT_MODIFIER,
    FT_UPDATED_TIME,
    FT_STATUS,
    FT_STATUS_ASSIGNEE,
    FT_CATEGORY,
    FT_SINGLE_LINE_TEXT,
    FT_NUMBER,
    FT_CALC,
    FT_MULTI_LINE_TEXT,
    FT_RICH_TEXT,
    FT_CHECK_BOX,
    FT_RADIO_BUTTON,
    FT_DROP_DOWN,
    FT_MULTI_SELECT,
    FT_DATE,
    FT_TIME,
    FT_DATETIME,
    FT_LINK,
    FT_FILE,
    FT_USER_SELECT,
    FT_ORGANIZATION_SELECT,
    FT_GROUP_SELECT,
    FT_SUBTABLE,
    FT_REFERENCE_TABLE,
    FT_GROUP,
    FT_LABEL,
    FT_SPACER,
    FT_HR,
    FT__COUNT
};

/* "SINGLE_LINE_TEXT" → FT_SINGLE_LINE_TEXT; NULL or unknown → FT_UNKNOWN. */
enum ftype field_type(const char *name);
const char *field_type_name(enum ftype t); /* "" for FT_UNKNOWN */
/* RECORD_NUMBER, CREATOR, CREATED_TIME, MODIFIER, UPDATED_TIME, STATUS, STATUS_ASSIGNEE, CATEGORY
 */
bool field_type_is_system(enum ftype t);
/* Has a value in record JSON (GET record); false for GROUP, REFERENCE_TABLE, LABEL, SPACER, HR. */
bool field_type_has_value(enum ftype t);
/* May carry "unique": SINGLE_LINE_TEXT, NUMBER, LINK, DATE, DATETIME. */
bool field_type_can_be_unique(enum ftype t);
/* May be placed inside a SUBTABLE. */
bool field_type_in_subtable(enum ftype t);
/* May be referenced from a formula. */
bool field_type_calc_ref(enum ftype t);
/* Type of a property object (borrowed def); FT_UNKNOWN if malformed. */
enum ftype field_def_type(const json_t *def);

/* kintone's field code rule: 1-128 characters; letters (incl. Japanese), digits, "_", "＿",
 * "・", "$", "＄", "￥"; no spaces, other symbols or control characters; not starting with a
 * digit. */
bool field_code_valid(const char *code);

/* Property readers tolerant of kintone's string forms ("true", "64"). */
const char *field_str(const json_t *def, const char *key); /* "" if missing/not a string */
bool field_bool(const json_t *def, const char *key);

/* New app: the system field properties (RECORD_NUMBER "レコード番号", CREATOR "作成者",
 * CREATED_TIME "作成日時", MODIFIER "更新者", UPDATED_TIME "更新日時", STATUS "ステータス",
 * STATUS_ASSIGNEE "作業者", CATEGORY "カテゴリー"; English codes with LANG_EN). New reference. */
json_t *field_props_new_app(enum lang lang);

/* POST (add=true: codes must not exist) / PUT (add=false: codes must exist; given keys are
 * merged into the existing definition, a different "code" inside renames the field; for a
 * SUBTABLE, "fields" is merged per inner code, new inner codes are added) of preview fields.
 * Validates type, code rules and uniqueness across the app (subtable inner fields included),
 * options, numeric properties (numbers or numeric strings, stored back as strings), ranges,
 * defaultValue, enums, CALC/text expressions (syntax, references, cycles) and normalizes every
 * changed definition to kintone's full GET shape. existing may be NULL (= no fields).
 * On success *out = the new full properties (new reference); else *out = NULL, ERR_INVALID. */
enum err field_props_apply(struct ctx *c, const json_t *existing, const json_t *changes, bool add,
                           json_t **out) MUST_CHECK;
/* DELETE: codes is a JSON array of field codes (top level or subtable inner). System fields,
 * unknown codes and fields still used by a formula are refused ("fields[i]"). Deleting the
 * last inner field of a subtable is refused. */
enum err field_props_delete(struct ctx *c, const json_t *existing, const json_t *codes,
                            json_t **out) MUST_CHECK;

/* Returns layout (kintone GET app/form/layout.json "layout" array; NULL = empty) updated so that
 * it contains every non-system field of props exactly once (new fields appended as ROWs /
 * SUBTABLE / GROUP blocks) and no deleted field; system fields already placed are kept
 * (followed by type when renamed). New reference. */
json_t *field_layout_sync(const json_t *layout, const json_t *props);
/* Validates a layout sent to PUT preview/app/form/layout.json against props: element shapes,
 * known codes with matching types, each field at most once, subtable inner fields only in their
 * SUBTABLE block, GROUP blocks holding ROWs only. */
enum err field_layout_validate(struct ctx *c, const json_t *props, const json_t *layout) MUST_CHECK;

/* Finds a field by code (borrowed): top level or inside a subtable; *table (if not NULL) is set
 * to the subtable code then, else to NULL. NULL if not found. */
const json_t *field_find(const json_t *props, const char *code, const char **table);
/* Code of the first field of a given type (e.g. FT_RECORD_NUMBER), NULL if none (borrowed). */
const char *field_code_of_type(const json_t *props, enum ftype t);

#endif
