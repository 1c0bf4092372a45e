/* pack: what the procedure-pack installer (madoguchi pack, docs/packs.md) keeps and computes
 * apart from the API it drives: its bookkeeping in the settings table ("pack:<pack>:..." keys:
 * the app ids of the pack's codes, the installed version, the demo records and users), and
 * the reference data of the 町丁目 master (reference/chocho.json): counts, the 地域 → 町名 →
 * 丁目 tree the forms choose from ("optionsFrom": "chocho" becomes "optionsTree"), and the
 * routing map (site key → office) of the app setting "routing" (routing.h). */
#ifndef MADO_PACK_H
#define MADO_PACK_H

#include "domain/ctx.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The settings table, one text value per key. get: *value (arena) or NULL when absent. */
enum err pack_setting_get(struct ctx *c, const char *key, const char **value) MUST_CHECK;
enum err pack_setting_put(struct ctx *c, const char *key, const char *value) MUST_CHECK;
enum err pack_setting_del(struct ctx *c, const char *key) MUST_CHECK;
/* Every key starting with prefix: *out = {key: value, ...} (new reference). */
enum err pack_setting_list(struct ctx *c, const char *prefix, json_t **out) MUST_CHECK;
/* Revokes the API tokens named name (the demo's temporary tokens). */
enum err pack_tokens_revoke(struct ctx *c, const char *name) MUST_CHECK;

/* A usable (not disabled) user's id and name by login: the principal the demo acts as when
 * it walks records through their process. *id = 0 when there is none. */
enum err pack_user(struct ctx *c, const char *login, int64_t *id, const char **name) MUST_CHECK;

/* ---- the 町丁目 master ---- */

struct pack_counts {
    size_t regions, towns, chome; /* towns: distinct names (駒沢 spans two regions: one town) */
};
/* Checks the shape ({"regions":[{"name","office","towns":[{"name","chome":[{"name"}]}]}]})
 * and counts. false with *why when malformed. */
bool pack_chocho_check(const json_t *chocho, struct pack_counts *n, const char **why);
/* {地域: {町名: [丁目, ...]}} (new reference). */
json_t *pack_chocho_tree(const json_t *chocho);
/* The "map" and "check" of a routing setting: keys "地域", "地域/町名", "地域/町名/丁目",
 * "町名", "町名/丁目" and "町名丁目", so that one, two or three site fields all find their
 * office. A key is to be checked when a 丁目 says so ("check": true) or a key means two
 * offices (the first region listed wins). New references. */
void pack_chocho_routing(const json_t *chocho, json_t **map, json_t **check);
/* The distinct names of one level of the master, in order: 0 地域, 1 町名, 2 丁目 (new
 * reference). */
json_t *pack_chocho_names(const json_t *chocho, int level);
/* A choice field of an app that says "optionsFrom": name: the key goes (fields know no such
 * member) and, when the field lists options, every name of the level its options belong to
 * is added (kept in their order, the rest after), so that each choice the forms offer is one
 * the field accepts (駒沢公園's "(丁目なし)"). Returns how many fields were seen. */
size_t pack_fields_options_from(json_t *props, const char *name, const json_t *chocho);
/* Replaces, anywhere under node, an object member "optionsFrom": name by "optionsTree": tree
 * (a copy). Returns how many were replaced; *unknown = the first other optionsFrom name. */
size_t pack_options_from(json_t *node, const char *name, const json_t *tree, const char **unknown);

#endif
