/* fcond_int: scalar helpers shared by the condition evaluator (fcond.c), the validators
 * (fval.c) and the pattern cache (fcond_re.c). Each has a twin in web/js/fcond.js with the
 * same semantics; the shared vectors in tests/vectors/ hold both to it. */
#ifndef MADO_FCOND_INT_H
#define MADO_FCOND_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FCOND_MAX_DEPTH 16

/* NFKC of s (ASCII passes through untouched) with ASCII whitespace trimmed, into buf;
 * false when it does not fit or is not UTF-8. */
bool fcond_nfkc_trim(const char *s, char *buf, size_t cap);
/* Decimal number: [+-]?(digits[.digits]|.digits) after NFKC and trim ("１２" is 12). */
bool fcond_parse_number(const char *s, double *out);
/* "YYYY-MM-DD" after NFKC and trim, as days since 1970-01-01; with rel, also "today",
 * "today+N", "today-N" (N ≤ 5 digits) relative to today. */
bool fcond_parse_date(const char *s, bool rel, int64_t today, int64_t *out);
void fcond_format_date(int64_t days, char out[16]);

/* Pattern subset (see docs/forms.md): false with a static reason when outside it. */
bool fcond_re_allowed(const char *pat, const char **why);
/* 1 matches the whole value, 0 does not, -1 the pattern is invalid. Compiled patterns are
 * cached per thread. */
int fcond_re_match(const char *pat, const char *s, size_t n);

#endif
