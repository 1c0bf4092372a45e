/* pdf_issue: issuing a record's document from a template — the record's values, a
 * verification code, rendering (pdf.h), the PDF stored as an upload and recorded by
 * doc_issue — and the automatic issue when a record enters a status (the workflow's status
 * hook). Also what the template preview draws. Everything runs in the caller's transaction. */
#ifndef MADO_PDF_ISSUE_H
#define MADO_PDF_ISSUE_H

#include "domain/app.h"
#include "domain/ctx.h"
#include "pdf/pdf.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define PDF_VERIFY_CODE_LEN 10

struct pdf_issued {
    int64_t id;              /* record_documents id */
    const char *file_key;    /* download key of the PDF */
    const char *verify_code; /* NULL when the template has verify: false */
    const char *name;        /* file name */
};

/* Issues template_code (latest version) on record (d, record_id). The caller has checked the
 * permission. ERR_NOT_FOUND for an unknown template, ERR_RECORD_NOT_FOUND, rendering errors
 * as pdf_render. */
enum err pdf_issue(struct ctx *c, const struct app_def *d, int64_t record_id,
                   const char *template_code, bool deliver, struct pdf_issued *out) MUST_CHECK;

/* The status hook (wf_set_status_hook): issues every template whose "auto" names status. */
enum err pdf_on_status(struct ctx *c, const struct app_def *d, int64_t id,
                       const char *status) MUST_CHECK;

/* The record's stored values and receipt number as a pdf_record (arena-owned; verify_code
 * NULL). ERR_RECORD_NOT_FOUND when it does not exist. */
enum err pdf_issue_record(struct ctx *c, const struct app_def *d, int64_t record_id,
                          struct pdf_record *out) MUST_CHECK;
/* Sample values for a preview without a record, from the field types (arena-owned). */
const json_t *pdf_sample_data(struct ctx *c, const json_t *props);
/* $today of a job: days since 1970-01-01 in JST. */
int64_t pdf_today(const struct ctx *c);
/* "<public_url>/verify/" (arena string). */
const char *pdf_verify_base(struct ctx *c);
/* A typed code normalised: upper case, separators (hyphens, spaces) dropped; NULL when it
 * cannot be a code (wrong length or characters). Arena string. */
const char *pdf_verify_code_norm(struct ctx *c, const char *typed);

/* A copy of stored data (arena-owned) in which user, organisation and group selections are
 * [{code, name}] with the directory's names, so documents print names, not login codes. */
json_t *pdf_record_names(struct ctx *c, const json_t *props, const json_t *data);

#endif
