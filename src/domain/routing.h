/* routing: which office receives a new record, decided by data in the app's settings
 * ("routing", docs/packs.md): the record's site (the answers of one or more fields, e.g.
 * 地域 → 町名 → 丁目) is looked up in a map of site keys to organisation codes, and the
 * organisation is written into the office field (an ORGANIZATION_SELECT) — unless the record
 * already names an office, so staff who enter a paper application choose freely and re-route
 * later by editing the field. A site the map marks as unsure (池尻四丁目: part of it belongs
 * to another region) or does not know at all sets the check field so staff confirm it. */
#ifndef MADO_ROUTING_H
#define MADO_ROUTING_H

#include "domain/app.h"
#include "domain/ctx.h"

#include <jansson.h>

/* The record to create: `in` itself when the app has no routing or the office is given,
 * otherwise a copy (owned by c->arena) with the office field (and the check field) set. */
const json_t *routing_apply(struct ctx *c, const struct app_def *d, const json_t *in);

/* What routing decides for a site key ("世田谷/池尻/四丁目"): the organisation code or NULL,
 * and whether staff must confirm it. Exposed for tests and the installer's report. */
const char *routing_lookup(const json_t *routing, const json_t *site_values, bool *check);

#endif
