/* portal_msg: the thread between the ward and the applicant of one record. Staff post
 * messages, correction requests (修正依頼: what to fix, a due date, fields unlocked for the
 * applicant) and missing-document requests (不足書類: the documents asked for, a due date);
 * each can run a workflow action in the same transaction (e.g. 修正依頼, which pauses the legal
 * clock). The applicant answers with text and files and corrects the unlocked fields; a reply
 * closes every open request and runs the process action flagged "applicantReply" from the
 * record's status (e.g. 修正回答 → 審査中, which resumes the clock). Every round is kept.
 * Table record_messages (migration 0013). Everything runs in the caller's transaction. */
#ifndef MADO_PORTAL_MSG_H
#define MADO_PORTAL_MSG_H

#include "domain/app.h"
#include "domain/applicant.h"
#include "domain/ctx.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PMSG_BODY_MAX 4000   /* characters of a message */
#define PMSG_FILES_MAX 10    /* files of one reply */

/* A staff post: req = {kind: "message"|"correction"|"missing", body, dueDate ("YYYY-MM-DD",
 * required for requests, not before today), fields: [codes] (correction: fields of the
 * applicant's form), documents: [names] (missing), files: [{fileKey: upload key}],
 * action: process action to run, assignee: for a ONE step}. The record must have an online
 * applicant. The caller checked edit permission on the record. The applicant is told by mail.
 * *id: the message; *revision: the record's revision after an action (else unchanged, 0). */
enum err pmsg_post(struct ctx *c, const struct app_def *d, int64_t record_id, const json_t *req,
                   int64_t *id, int64_t *revision) MUST_CHECK;

/* The thread: {messages:[{id, sender, kind, body, dueDate, fields:[{code, label}], documents,
 * files:[{fileKey, name, contentType, size}], changes:[{field, label, from, to}], replyTo,
 * answeredAt, author, createdAt}], open:[{id, kind, dueDate, fields:[{code,label}],
 * documents}], unlocked:[{code, label, type, options, value}] (the fields open corrections
 * unlock, with their current values), online} oldest first. applicant_view: the applicant's
 * copy (author left out). *out: new reference. */
enum err pmsg_list(struct ctx *c, int64_t app_id, int64_t record_id, bool applicant_view,
                   json_t **out) MUST_CHECK;

struct pmsg_file {
    const char *name;
    const void *data;
    size_t len;
};
struct pmsg_reply {
    const char *body;            /* may be empty when files or corrections are given */
    const struct pmsg_file *files;
    size_t nfiles;
    const json_t *answers;       /* {code: string | [string]}: corrections of unlocked fields */
};
/* The applicant's message or reply on their record (the caller found it among theirs). With
 * open requests it answers them: corrections of unlocked fields are checked with the form's
 * rules (ERR_INVALID, field errors under "a.<code>"), written as a revision by the applicant,
 * the requests are closed and the applicantReply action runs. Files: PDF, JPEG or PNG, each
 * within the form's size limit (20 MB by default). *id: the new message. */
enum err pmsg_reply(struct ctx *c, const struct app_def *d, int64_t record_id,
                    const struct pmsg_reply *in, int64_t *id) MUST_CHECK;

/* Whether file_key is a file of a message on the record (the applicant may download it). */
enum err pmsg_file_of(struct ctx *c, int64_t app_id, int64_t record_id, const char *file_key,
                      bool *found) MUST_CHECK;

/* Housekeeping (daily is enough; runs its own transaction): reminds the applicant of open
 * requests due within 2 days (once per request, by mail) and tells the staff who asked and the
 * record's assignees (inbox) of requests whose due date has passed unanswered (once). *reminded
 * and *lapsed may be NULL. */
enum err pmsg_housekeeping(struct ctx *c, int64_t *reminded, int64_t *lapsed) MUST_CHECK;

#endif
