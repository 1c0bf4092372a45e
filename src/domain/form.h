/* form: public application forms (issue #5). A form is a JSON definition bound to one app
 * (pages → sections → fields that name app fields, with rules); administrators edit one
 * working copy and publish it as frozen versions 1, 2, ... An applicant's draft and the
 * submission keep the version they started with. This header covers definitions (form.c),
 * evaluating answers against a version (form_eval.c), drafts (form_draft.c) and submission
 * (form_submit.c). Format: docs/forms.md "Form definitions". */
#ifndef MADO_FORM_H
#define MADO_FORM_H

#include "domain/applicant.h"
#include "domain/ctx.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* One loaded form version (def borrowed from the arena). */
struct form {
    int64_t id;
    const char *code;
    int64_t app_id;
    int64_t version; /* 0 = the unpublished working copy */
    json_t *def;
    const json_t *props; /* the bound app's live field properties (borrowed) */
};

/* Expiry of drafts, days after the last save (config [forms] draft_days; default 30). */
void form_configure(int draft_days);
int form_draft_days(void);

/* ---- definitions (form.c) ---- */

/* Validates def ({code, app, title, pages, ...}) against the app's live fields and saves it
 * as the form's working copy (creating the form on first save). ERR_INVALID with field
 * errors under "form.<path>". */
enum err form_save(struct ctx *c, const json_t *def) MUST_CHECK;
/* Freezes the working copy as version N+1; *version = N+1. */
enum err form_publish(struct ctx *c, const char *code, int64_t *version) MUST_CHECK;
/* {forms:[{code, app, title, procedure, version, updatedAt, def, versions:[{version,
 * publishedAt, publishedBy}]}]} for administrators. */
enum err form_admin_list(struct ctx *c, json_t **out) MUST_CHECK;
/* The given version (0 = the latest published). ERR_NOT_FOUND when absent/unpublished. */
enum err form_load(struct ctx *c, const char *code, int64_t version, struct form *out) MUST_CHECK;
/* Whether a published form takes applications at c->now: ERR_OK, or ERR_NOT_FOUND (closed,
 * not yet open; message says so) / ERR_UNAVAILABLE (offline; message is the form's). */
enum err form_check_open(struct ctx *c, const struct form *f) MUST_CHECK;
/* Open forms for /apply/: {procedures:[{name, forms:[{code, title, description, prepare,
 * deadlineNote, opensAt, closesAt, verification}]}]}. */
enum err form_public_list(struct ctx *c, json_t **out) MUST_CHECK;

/* ---- evaluating answers (form_eval.c) ---- */

/* Checks answers ({code: string | [string]}) against version f. step: the page index to
 * check, or -1 for every page. *clean (new reference) = answers of visible fields only (of
 * every page; hidden answers are dropped); *errors (new reference) = {"<field code>":
 * {"messages":[...]}} for the checked page(s), empty when valid. files: {code: count} of
 * attachments present (may be NULL). */
void form_eval(struct ctx *c, const struct form *f, const json_t *answers, const json_t *files,
               int step, json_t **clean, json_t **errors);
/* The field codes of page `step` (new reference; empty when out of range). */
json_t *form_page_fields(const struct form *f, int64_t step);
/* Whether field `code` is shown when the (cleaned) answers are `clean`. */
bool form_visible(struct ctx *c, const struct form *f, const json_t *clean, const char *code);
/* The field's definition entry of f ({code, label, rules...}) and its app property, or
 * false when the form has no such field. */
bool form_field(const struct form *f, const char *code, const json_t **entry);
/* Label shown for a form field (entry label or the app field's label). */
const char *form_field_label(struct ctx *c, const struct form *f, const char *code);

/* ---- drafts (form_draft.c) ---- */

struct form_draft {
    int64_t id;
    int64_t form_version;
    int64_t step;
    int64_t updated_at, expires_at;
    json_t *answers; /* arena-owned */
};
/* The applicant's draft of form code; *found=false when none (d untouched). */
enum err form_draft_get(struct ctx *c, const struct applicant *a, const char *code,
                        struct form_draft *d, bool *found) MUST_CHECK;
/* What a save brings: answers ({code: value}; NULL keeps the stored ones), the page shown,
 * merge (only the fields of page `step` are replaced — an absent answer there clears the field,
 * the other pages keep theirs: what a one-page HTML post needs) and attachment ids to remove. */
struct form_draft_in {
    const json_t *answers;
    int64_t step;
    bool merge;
    const json_t *remove_files; /* array of ids or NULL */
};
/* Saves a draft (a new one on the current published version, or the existing one on its own
 * version); hidden answers are dropped. *out = the saved draft and *errors the validation of
 * page in->step (new reference). */
enum err form_draft_save(struct ctx *c, const struct applicant *a, const char *code,
                         const struct form_draft_in *in, struct form_draft *out,
                         json_t **errors) MUST_CHECK;
/* form_draft_save replacing all answers (answers NULL keeps the stored ones). */
enum err form_draft_put(struct ctx *c, const struct applicant *a, const char *code,
                        const json_t *answers, int64_t step, struct form_draft *out,
                        json_t **errors) MUST_CHECK;
/* JSON for the API: {draftId, code, version, step, answers, files:[...], updatedAt,
 * expiresAt}. */
enum err form_draft_json(struct ctx *c, const struct form_draft *d, const char *code,
                         json_t **out) MUST_CHECK;
/* Stores an upload for field `field` of the applicant's draft (created if needed):
 * libmagic-sniffed type must be in the field's rules.accept (when given), size within
 * rules.maxBytes and the form's maxTotalBytes. *out: {id, field, name, contentType, size}. */
enum err form_draft_file(struct ctx *c, const struct applicant *a, const char *code,
                         const char *field, const char *name, const void *data, size_t n,
                         json_t **out) MUST_CHECK;
/* Housekeeping: deletes expired drafts and queues a reminder mail for drafts expiring
 * within 3 days (once per draft); renews the upload rows of live drafts' attachments so that
 * file_purge_unattached (call this first) keeps them. Runs its own transaction. reminded and deleted may be NULL. */
enum err form_drafts_housekeeping(struct ctx *c, int64_t *reminded, int64_t *deleted) MUST_CHECK;

/* ---- submission (form_submit.c) ---- */

struct form_receipt {
    const char *receipt_no;
    int64_t app_id, record_id;
    bool repeated; /* true when this is a repeat of an earlier submission */
};
/* Submits the applicant's draft of form code exactly once (see docs/forms.md). Runs in the
 * caller's write transaction. */
enum err form_submit(struct ctx *c, const struct applicant *a, const char *code,
                     const char *idempotency_key, struct form_receipt *out) MUST_CHECK;

#endif
