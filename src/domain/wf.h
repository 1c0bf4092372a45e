/* wf: process management (the approval workflow) of an app, kintone's model extended for the
 * ward. The definition lives in the app definition's "process" object (edited on the preview,
 * live after deploy): statuses with their assignees (users, groups, organisations, a
 * user/org/group field of the record, or the creator; ONE chosen, ANY, or ALL of them), and
 * actions (from, to, label, a condition in the query language) that may also require a reason,
 * write fields, be open to the applicant, and run automatically from rules.
 *
 * A status action costs two revisions, as in kintone: the action (with its reason and field
 * writes), then the status change. In an ALL step each assignee approves in turn (one revision
 * each) and the record moves on with the last one; an action that requires a reason (差戻し,
 * 不許可, 取下げ) applies at once. Everything runs in the caller's transaction. */
#ifndef MADO_WF_H
#define MADO_WF_H

#include "domain/app.h"
#include "domain/ctx.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* The process of a definition when it is enabled, else NULL (borrowed from d->root). */
const json_t *wf_process(const struct app_def *d);

/* PUT app/status.json on the preview: merges the request (enable, states, actions and the
 * extensions autoActions) into d (a copy being edited), validating everything; field errors
 * name the request keys ("states.審査中.assignee.entities[0].entity.code"). Also switches the
 * STATUS / STATUS_ASSIGNEE fields on or off. */
enum err wf_put(struct ctx *c, struct app_def *d, const json_t *req) MUST_CHECK;
/* GET app/status.json shape (new reference). */
json_t *wf_get(struct ctx *c, const struct app_def *d);

/* A new record's first status and its assignees (*assignees: new reference or NULL). Both
 * NULL when the process is disabled. data: the record's stored values (for FIELD_ENTITY). */
enum err wf_initial(struct ctx *c, const struct app_def *d, const char *creator,
                    const json_t *data, const char **status, json_t **assignees) MUST_CHECK;
/* After a deploy: records without a status get the first one (process just enabled). */
enum err wf_on_deploy(struct ctx *c, const struct app_def *live) MUST_CHECK;

struct wf_request {
    int64_t id;
    const char *action;
    const char *assignee;      /* login chosen for a ONE step, or NULL */
    const char *reason;        /* or NULL */
    int64_t expected_revision; /* -1 = no check */
};
/* Runs an action on a record; *revision = the record's new revision. prefix names errors
 * ("records[2]"). */
enum err wf_run(struct ctx *c, const struct app_def *d, const struct wf_request *rq,
                const char *prefix, int64_t *revision) MUST_CHECK;
/* The actions open to the applicant on the record now (process actions flagged "applicant"
 * from its status whose condition holds): new reference [{name, reason, reply}]; reply = the
 * action is flagged "applicantReply" (a reply to a request runs it; no button of its own). */
enum err wf_applicant_actions(struct ctx *c, const struct app_def *d, int64_t id,
                              json_t **out) MUST_CHECK;
/* Runs such an action for the applicant (the caller has checked that the record is theirs):
 * as the system principal "applicant"; a required reason must be given. */
enum err wf_run_applicant(struct ctx *c, const struct app_def *d, int64_t id, const char *action,
                          const char *reason, int64_t *revision) MUST_CHECK;

/* PUT record/assignees.json: logins (array of strings) become the assignees of the current
 * status (+1 revision). Only the current assignees (or, with none, editors) and app managers. */
enum err wf_set_assignees(struct ctx *c, const struct app_def *d, int64_t id,
                          const json_t *logins, int64_t expected_revision,
                          int64_t *revision) MUST_CHECK;
/* What the caller may do on the record now: {status, assignees, actions:[{name, to, reason,
 * assigneeCandidates?, pendingApprovals?}]}. */
enum err wf_actions_for(struct ctx *c, const struct app_def *d, int64_t id,
                        json_t **out) MUST_CHECK;

/* Opinions (意見) attached to the record's current step. */
enum err wf_opinion_add(struct ctx *c, const struct app_def *d, int64_t id, const char *text,
                        int64_t *opinion_id) MUST_CHECK;
enum err wf_opinion_list(struct ctx *c, const struct app_def *d, int64_t id,
                         json_t **out) MUST_CHECK;

/* Inbox: notifications to users, written in the caller's transaction. */
enum err wf_notify(struct ctx *c, const json_t *logins, int64_t app_id, int64_t record_id,
                   const char *kind, const char *title, const char *detail_json) MUST_CHECK;
enum err wf_inbox_list(struct ctx *c, bool unread_only, int64_t after_id, int64_t limit,
                       json_t **out) MUST_CHECK;
enum err wf_inbox_mark_read(struct ctx *c, const json_t *ids, bool all) MUST_CHECK;

/* Automatic actions whose condition matches after the record was written (runs them as the
 * system). Called by the record writers and by wf_run. */
enum err wf_auto_after_write(struct ctx *c, const struct app_def *d, int64_t id) MUST_CHECK;
/* Time rules (e.g. no reply to a correction request in 30 days): runs every due rule once
 * per visit of a status, each record in its own transaction. Returns how many fired. */
int wf_auto_tick(struct db *db, int64_t now);

/* Called in the action's transaction after a record entered a status through an action
 * (staff, applicant or automatic); set once at start by a later layer — the pdf layer issues
 * the templates whose "auto" names the status. NULL (the default) = nothing. An error fails
 * the action. */
typedef enum err (*wf_status_hook_fn)(struct ctx *c, const struct app_def *d, int64_t id,
                                      const char *status);
void wf_set_status_hook(wf_status_hook_fn fn);

#endif
