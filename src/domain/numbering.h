/* numbering: counters for receipt, 収受 and document numbers. A number is drawn inside the
 * caller's transaction, so a failed request gives its number back (no gaps from failures).
 * Counters are named and restart per period: never, each calendar year, or each fiscal year
 * (April–March, the ward's 年度). */
#ifndef MADO_NUMBERING_H
#define MADO_NUMBERING_H

#include "domain/ctx.h"

#include <jansson.h>

/* spec: {"sequence": name, "format": "第{reiwa}-{n:5}号", "reset": "NONE"|"YEAR"|"FISCAL_YEAR"}
 * (reset defaults to FISCAL_YEAR). Placeholders: {n} the number, {n:W} zero-padded to W
 * digits, {yyyy} the calendar year, {nendo} the fiscal year (西暦), {reiwa} the fiscal
 * year in 令和 (8), {wareki} the same with the era name (令和8). Dates are local (c->tz_offset) at c->now. *out: arena text. */
enum err num_next_formatted(struct ctx *c, const json_t *spec, const char **out) MUST_CHECK;
/* Checks a spec (for definitions); false with a reason key in *bad. */
bool num_spec_valid(const json_t *spec, const char **bad);

#endif
