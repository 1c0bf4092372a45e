/* document: the documents issued on a record (許可書, 通知書 ... as PDF). Each is a file of the
 * record (a download key in files, the content in the blob store) with its SHA-256, the
 * template and record revision it was made from, and whether it is delivered to the applicant
 * (then the portal lists it and the applicant is told by mail). Issue #7 renders the PDFs from
 * templates; this module stores, lists, delivers and hands them out. Table record_documents
 * (migration 0013). Every function runs in the caller's transaction. */
#ifndef MADO_DOCUMENT_H
#define MADO_DOCUMENT_H

#include "domain/app.h"
#include "domain/ctx.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct doc_in {
    const char *title;          /* 帳票名, 1..100 characters */
    const char *upload_key;     /* an upload (file_upload) holding the PDF */
    const char *template_code;  /* "" or NULL when made outside a template */
    int64_t template_version;
    bool deliver;               /* mark for delivery at once */
    const char *verify_code;    /* the document's /verify/ code (issue #7), or NULL */
};

/* Issues a document on record (d, record_id) from an upload: the content must be a PDF
 * (sniffed type application/pdf, else ERR_INVALID on "fileKey"); the record must exist
 * (ERR_RECORD_NOT_FOUND). The caller checked the permission (edit on the record). Records the
 * record's current revision, the SHA-256 and the author (c->who). With deliver, as
 * doc_set_delivery. *id and *file_key (download key) may be NULL. */
enum err doc_issue(struct ctx *c, const struct app_def *d, int64_t record_id,
                   const struct doc_in *in, int64_t *id, const char **file_key) MUST_CHECK;

/* Marks (deliver) or unmarks a document of the record for delivery. Newly delivered: the
 * record's applicant (record_owners) gets a mail without personal details (portal_notify).
 * Unknown id, or the id of another record: ERR_NOT_FOUND. Revoked documents cannot be
 * delivered (ERR_INVALID). */
enum err doc_set_delivery(struct ctx *c, const struct app_def *d, int64_t record_id, int64_t id,
                          bool deliver) MUST_CHECK;

/* {documents:[{id, title, fileKey, name, contentType, size, sha256, templateCode,
 * templateVersion, recordRevision, verifyCode (null until #7), delivered (bool), deliveredAt,
 * deliveredBy, revokedAt, createdAt, createdBy}]} oldest first. delivered_only: the
 * applicant's view: only delivered, not revoked, and without fileKey, deliveredBy, createdBy,
 * templateCode/Version and recordRevision. *out: new reference. */
enum err doc_list(struct ctx *c, int64_t app_id, int64_t record_id, bool delivered_only,
                  json_t **out) MUST_CHECK;

/* One delivered, unrevoked document of record (app_id, record_id) for the applicant: its
 * download key, file name and title (arena strings). ERR_NOT_FOUND for anything else (unknown
 * id, another record's, not delivered, revoked) — all alike. */
struct doc_file {
    int64_t id;
    const char *file_key, *name, *title;
};
enum err doc_get_delivered(struct ctx *c, int64_t app_id, int64_t record_id, int64_t id,
                           struct doc_file *out) MUST_CHECK;

/* Revokes a document of the record (reason 1..500 characters, required): it leaves the
 * applicant's list and /verify/ says it was revoked, when and why. ERR_NOT_FOUND for an
 * unknown id or another record's; revoking twice is ERR_INVALID. */
enum err doc_revoke(struct ctx *c, const struct app_def *d, int64_t record_id, int64_t id,
                    const char *reason) MUST_CHECK;

/* What /verify/{code} may say about a document, without personal data: its title (帳票名),
 * the app's name, when it was issued, its SHA-256, and whether and when it was revoked.
 * ERR_NOT_FOUND for an unknown code. */
struct doc_public {
    const char *title, *app_name, *sha256;
    int64_t created_at;
    int64_t revoked_at; /* 0 = valid */
};
enum err doc_by_code(struct ctx *c, const char *code, struct doc_public *out) MUST_CHECK;

#endif
