/* fcond: the one small condition and validation language of forms (and later the record
 * screen's rules), evaluated by the server in C and by the browser in JavaScript
 * (web/js/fcond.js) with the same results: shared test vectors in tests/vectors/.
 * Conditions are JSON: {"field":"用途","op":"eq","value":"住宅"}, ops eq ne in nin empty
 * notempty lt le gt ge (numbers, or dates with "today", "today+30" ...), and {"all":[...]},
 * {"any":[...]}, {"not":{...}}. Validators check one answer: required, length, pattern,
 * number range, date range relative to today, email, phone, postcode (郵便番号), katakana,
 * and choices (including hierarchical ones). Pure functions: no database, no HTTP. */
#ifndef MADO_FCOND_H
#define MADO_FCOND_H

#include "core/err.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct fcond_env {
    int64_t today; /* days since 1970-01-01 (the applicant's local date) */
};

/* Checks a condition's shape; false with a short reason in *why (static text). */
bool fcond_valid(const json_t *cond, const char **why);
/* Evaluates cond over answers ({code: value}; values as the form posts them: strings,
 * arrays of strings). A missing or malformed condition is false. */
bool fcond_eval(const json_t *cond, const json_t *answers, const struct fcond_env *env);

/* The message of a failed validation: a code shared with the JavaScript (required too_short
 * too_long pattern min max min_date max_date email phone postcode katakana option not_number
 * not_date invalid) and its argument (e.g. the maximum), arena-free: static, pointing into the
 * rules, or a per-thread buffer valid until the next check on this thread. */
struct fval_error {
    const char *code;
    const char *arg;
};
/* Validates one answer against a field's rules ({"required":true, "maxLength":30,
 * "pattern":"...", "min":..., "max":..., "minDate":"today+30", "format":"email|phone|postcode|
 * katakana", "options":[...]}); true when valid, else *err says why. required is checked here
 * only when the caller says the field is required now (rules may make it so). */
bool fval_check(const json_t *rules, const json_t *value, bool required,
                const struct fcond_env *env, struct fval_error *err);
/* As fval_check on answers[code], with all answers at hand: a hierarchical choice
 * ({"optionsTree":{"世田谷":{"太子堂":["一丁目"]}}, "parent":["地域","町名"]}) allows the keys
 * (or list) of the tree node reached by following the parents' answers from the root; a
 * string parent is one level. Through fval_check (no answers) a field with a parent accepts
 * nothing; the top level (no parent) allows the root's keys. */
bool fval_check_in(const json_t *rules, const json_t *answers, const char *code, bool required,
                   const struct fcond_env *env, struct fval_error *err);
/* Checks a rules object when a form is saved: known keys and types only, patterns inside the
 * subset that PCRE2 and JavaScript agree on (docs/forms.md); false with a static reason. */
bool fval_rules_valid(const json_t *rules, const char **why);
/* The message of an error code in "ja" (default) or "en" with {arg} filled in; static text
 * or a per-thread buffer valid until the next call on this thread. Unknown codes give the
 * "invalid" message. */
const char *fval_message(const char *code, const char *lang, const char *arg);
/* Frees this thread's cache of compiled patterns (threads call it before they exit). */
void fcond_cache_free(void);

/* Computed answers (a form field's "compute"): an expression of
 *   "text" | 12 | {"field": code} | {"sum": [expr...]} | {"product": [expr...]}
 *   | {"concat": [expr...]} | {"if": condition, "then": expr, "else": expr}.
 * A sum or product is empty when an operand is not a number (an empty answer included);
 * numbers print as integers, or with up to 10 decimals without trailing zeros; multi-value
 * answers join with "、". The same in web/js/fcond.js (computeValue). */
bool fcompute_valid(const json_t *expr);
/* Writes the result (NUL-terminated) into out; false (out "") when the expression is invalid
 * or the result does not fit. */
bool fcompute_eval(const json_t *expr, const json_t *answers, const struct fcond_env *env,
                   char *out, size_t n);

#endif
