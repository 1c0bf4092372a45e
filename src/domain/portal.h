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

/* {applications:[{receiptNo, form, title, filedAt, status}], drafts:[{form, title, updatedAt,
 * expiresAt}]}, newest first; times are Unix seconds. */
enum err portal_list(struct ctx *c, const struct applicant *a, json_t **out) MUST_CHECK;
/* {receiptNo, form, title, filedAt, status, answers:[{label, value}], timeline:[{at, status}],
 * actions:[{name, reason}] (what the applicant may do now, e.g. 取下げ)} or ERR_NOT_FOUND. */
enum err portal_application(struct ctx *c, const struct applicant *a, const char *receipt_no,
                            json_t **out) MUST_CHECK;

/* The app and record of one of the applicant's receipt numbers, or ERR_NOT_FOUND. */
enum err portal_find(struct ctx *c, const struct applicant *a, const char *receipt_no,
                     int64_t *app_id, int64_t *record_id) MUST_CHECK;

#endif
