/* doc_template: the document templates of an app (docs/templates.md), stored as JSON; every
 * save is a new version (doc_template_versions), so an issued document can name the version it
 * was made from. The definition is checked by the pdf layer (pdf_template_check) before it is
 * saved; this module stores, lists and finds them. Everything runs in the caller's
 * transaction. Table doc_templates (migration 0014). */
#ifndef MADO_DOC_TEMPLATE_H
#define MADO_DOC_TEMPLATE_H

#include "domain/ctx.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct tpl {
    int64_t id, app_id, version;
    const char *code, *name; /* arena strings */
    json_t *def;             /* arena-owned */
};

/* Saves def (checked; def.code names it) as the next version of the app's template (version 1
 * for a new one). *version may be NULL. */
enum err tpl_save(struct ctx *c, int64_t app_id, const json_t *def, int64_t *version) MUST_CHECK;
/* Version `version` (0 = latest) of template code of the app; ERR_NOT_FOUND ("テンプレート")
 * when there is none (or it was deleted and version is 0). */
enum err tpl_load(struct ctx *c, int64_t app_id, const char *code, int64_t version,
                  struct tpl *out) MUST_CHECK;
/* {templates:[{code, name, kind, version, updatedAt, updatedBy, auto}]} of the app (app_id > 0)
 * or of every app ({app} added; app_id 0, for `madoguchi print --list`), by app then code.
 * *out: new reference. */
enum err tpl_list(struct ctx *c, int64_t app_id, json_t **out) MUST_CHECK;
/* Deletes the template (its versions stay for the documents made from them). */
enum err tpl_delete(struct ctx *c, int64_t app_id, const char *code) MUST_CHECK;
/* The templates of the app to issue when a record enters status: [{code, deliver}] (new
 * reference; empty when none). */
enum err tpl_auto_for(struct ctx *c, int64_t app_id, const char *status, json_t **out) MUST_CHECK;

#endif
