/* portal: what applicants see of their own applications (the kViewer part): the list of
 * their applications (receipt number, procedure, filed on, status in the applicant's words)
 * and drafts, and one application by its receipt number (the answers as submitted and the
 * timeline of its status). Internal statuses and staff names never show: each app maps its
 * statuses to applicant labels (process states' applicantLabel). Another applicant's receipt
 * number answers exactly like an unknown one. */
#ifndef MADO_PORTAL_H
#define MADO_PORTAL_H

#include "domain/applicant.h"
#include "domain/ctx.h"

#include <jansson.h>

/* {applications:[{receiptNo, form, title, filedAt, status, dueDate (the earliest open request's,
 * when the ward waits for the applicant), documents (delivered, not revoked)}], drafts:[{form, title, updatedAt,
 * expiresAt}]}, newest first; times are Unix seconds. */
enum err portal_list(struct ctx *c, const struct applicant *a, json_t **out) MUST_CHECK;
/* {receiptNo, form, title, filedAt, status, answers:[{code, label, value, files?:[{fileKey,
 * name, size}]}], timeline:[{at, status}],
 * actions:[{name, reason}] (what the applicant may do now, e.g. 取下げ)} or ERR_NOT_FOUND. */
enum err portal_application(struct ctx *c, const struct applicant *a, const char *receipt_no,
                            json_t **out) MUST_CHECK;

/* A stored value as one line of text for applicants: choices joined with 、, files by name,
 * numbers in kintone's decimal form, "" for none (arena string). */
const char *portal_value_text(struct ctx *c, const json_t *v);

/* The app and record of one of the applicant's receipt numbers, or ERR_NOT_FOUND. */
enum err portal_find(struct ctx *c, const struct applicant *a, const char *receipt_no,
                     int64_t *app_id, int64_t *record_id) MUST_CHECK;

/* The address applicants reach the server at (config [server] public_url, e.g.
 * "https://shinsei.example.lg.jp"; "" = links are paths). Call once at start. */
void portal_configure(const char *public_url);
/* The link to an application's page: "<public_url>/my/<receipt>" (arena string). */
const char *portal_link(struct ctx *c, const char *receipt_no);
/* The configured public_url without a trailing slash, "" when unset (e.g. /verify/ links). */
const char *portal_public_url(void);
/* Tells the online applicant of record (app_id, record_id) that something happened, by mail
 * in the caller's transaction: what_ja / what_en name the event ("区から修正のお願いが届きました。"),
 * then the receipt number and the link; never the answers or other personal details. A record
 * without an online applicant (a paper application) sends nothing and is ERR_OK. */
enum err portal_notify(struct ctx *c, int64_t app_id, int64_t record_id, const char *what_ja,
                       const char *what_en) MUST_CHECK;

#endif
