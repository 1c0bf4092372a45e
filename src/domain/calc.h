/* calc: kintone calculation formulas, for CALC fields and SINGLE_LINE_TEXT "expression".
 * calc_parse() turns a formula into a tree allocated in the caller's arena (valid as long as
 * the arena); calc_eval*() computes it over a stored record (preamble's `data` format) and
 * returns a NEW json reference in the stored CALC format. Pure functions: no ctx, no DB.
 *
 * Language: numbers, field codes, "strings", + - * / ^ (unary -/+ bind tightest, as in
 * Excel), & (concat), = != <> < > <= >= (result 1/0), parentheses and the functions SUM IF
 * AND OR NOT ROUND ROUNDUP ROUNDDOWN YEN DATE_FORMAT CONTAINS ISBLANK (case-insensitive).
 * Values as kintone: NUMBER/CALC numbers (empty = 0), DATE as Unix seconds of UTC midnight,
 * TIME as seconds since 00:00, DATETIME/CREATED_TIME/UPDATED_TIME as Unix seconds (an empty
 * date/time makes the result empty), texts and options as strings, subtable columns only
 * inside SUM. Division results are rounded to 4 decimals; 0-division, type errors and
 * string results for numeric formats give null. */
#ifndef MADO_CALC_H
#define MADO_CALC_H

#include "core/err.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct calc_expr;

/* Parses expr. ERR_OK and *out, or ERR_INVALID with *errmsg = a localized reason
 * (kintone's wording, e.g. "計算式の文法が正しくありません。"). calc_parse() answers in Japanese.
 */
enum err calc_parse(struct arena *a, const char *expr, struct calc_expr **out,
                    const char **errmsg) MUST_CHECK;
enum err calc_parse_lang(struct arena *a, const char *expr, enum lang lang, struct calc_expr **out,
                         const char **errmsg) MUST_CHECK;

/* Calls fn for every field reference of e, in order (duplicates included). in_sum is true
 * when the reference is a direct argument of SUM (where subtable columns are allowed). */
typedef void calc_ref_fn(void *arg, const char *code, bool in_sum);
void calc_refs(const struct calc_expr *e, calc_ref_fn *fn, void *arg);

/* The record a formula is evaluated against. For a field inside a subtable, table is that
 * subtable's "fields" property object and row the row's value object (inner code → stored
 * value); references to the table's columns then read the row. */
struct calc_env {
    const json_t *props;
    const json_t *data;
    const json_t *table;
    const json_t *row;
    int64_t created_at, updated_at; /* CREATED_TIME / UPDATED_TIME when has_* */
    bool has_created_at, has_updated_at;
    const char *creator, *modifier; /* CREATOR / MODIFIER login codes or NULL */
    int tz_offset;                  /* DATE_FORMAT "system" zone, minutes east of UTC */
};

/* format: a CALC format (NUMBER, NUMBER_DIGIT, DATETIME, DATE, TIME, HOUR_MINUTE,
 * DAY_HOUR_MINUTE; NULL or "" for a SINGLE_LINE_TEXT expression). Returns a new reference:
 * numeric formats → JSON number (integer when integral) or null; DATETIME
 * "YYYY-MM-DDTHH:MM:00Z", DATE "YYYY-MM-DD", TIME "HH:MM", HOUR_MINUTE/DAY_HOUR_MINUTE
 * "25:01", or null; text (format NULL) → JSON string, "" on error. display_scale only
 * affects kintone's UI, not stored values, and is accepted for symmetry (-1 = unset). */
json_t *calc_eval(const struct calc_expr *e, const json_t *props, const json_t *data,
                  const char *format, int display_scale);
json_t *calc_eval_env(const struct calc_expr *e, const struct calc_env *env, const char *format);

bool calc_format_valid(const char *format);
/* True for formats whose stored value is a string (DATETIME, DATE, TIME, HOUR_MINUTE...). */
bool calc_format_is_time(const char *format);

/* Plain decimal rendering of a number, kintone style: at most 15 significant digits, never
 * an exponent, no trailing zeros ("15", "0.3333", "-2.5", "100000000000000000000"). */
#define CALC_NUMBUF 400
void calc_format_number(double d, char *buf, size_t n);
/* JSON number for the stored format: integer when integral and within int64, else real. */
json_t *calc_number_json(double d);
/* Strict decimal number: optional sign, digits with an optional point, optional exponent,
 * surrounding blanks allowed ("1.5e1", " 42 ", "-.5"); no hex, no "Infinity", no commas. */
bool calc_parse_number(const char *s, double *out);
/* Rounds x to n decimals (n may be negative). mode: 0 half away from zero (ROUND),
 * 1 away from zero (ROUNDUP), -1 toward zero (ROUNDDOWN). Decimal-exact for inputs with up
 * to 15 significant digits. */
double calc_round(double x, int n, int mode);

#endif
