/* file: attachments (kintone FILE fields). An upload stores the content in the blob store and
 * returns a temporary upload key (UUID form, like kintone); attaching it to a record creates a
 * separate download key (the fileKey seen in record JSON) for the same blob. Unattached uploads
 * expire after FILE_UPLOAD_TTL and are purged with the blobs nobody references any more.
 * This module only stores and fetches: who may download what is decided by the caller (acl).
 * Strings returned in struct file_meta live in c->arena. */
#ifndef MADO_FILE_H
#define MADO_FILE_H

#include "core/err.h"
#include "domain/ctx.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;

#define FILE_UPLOAD_TTL (3 * 24 * 3600) /* seconds an unattached upload key stays usable */
#define FILE_KEY_MAX 64                 /* upload and download keys are shorter than this */
#define FILE_NAME_MAX 255               /* characters (code points) of a file name */

struct file_meta {
    const char *file_key;
    const char *name;
    const char *content_type;
    int64_t size;
    const char *creator;
    int64_t created_at;
    bool attached;   /* download key: app_id and record_id are set */
    int64_t app_id;  /* 0 when not attached */
    int64_t record_id;
    const char *blob_hash;
};

/* Process-wide: opens the libmagic database. Call once at start; <0 when it cannot be loaded
 * (uploads then fall back to application/octet-stream). file_shutdown() closes it. */
int file_init(void);
void file_shutdown(void);

/* Stores an upload. name: as the client sent it; path components ("/" and "\") are stripped,
 * then it must be non-empty valid UTF-8 without control characters and at most FILE_NAME_MAX
 * characters (ERR_INVALID with a field error on "file" otherwise). content_type: the client's;
 * when NULL, empty, unusable or application/octet-stream the type is sniffed with libmagic.
 * Runs in the caller's transaction when there is one, else in its own.
 * *upload_key (arena string) is the temporary key. */
enum err file_upload(struct ctx *c, const char *name, const char *content_type, const void *data,
                     size_t n, const char **upload_key) MUST_CHECK;

/* Attaches upload key to record (app_id, record_id): inserts a NEW download key for the same
 * blob and returns *file_obj = {"fileKey","name","contentType","size"(integer)}, a new
 * reference the caller owns (json_decref or arena_defer). Unknown, already purged or expired
 * (older than FILE_UPLOAD_TTL) upload keys and download keys give ERR_FILE_NOT_FOUND WITHOUT
 * touching c->fail: the record validator reports it as a field error. The upload key stays
 * usable until it expires. Call inside the record's write transaction. */
enum err file_attach(struct ctx *c, const char *upload_key, int64_t app_id, int64_t record_id,
                     json_t **file_obj) MUST_CHECK;

/* Looks up a download key or an unexpired upload key; fills meta and, when data is non-NULL,
 * appends the content to data. ERR_FILE_NOT_FOUND (fail set with the key) otherwise. */
enum err file_get(struct ctx *c, const char *file_key, struct file_meta *meta,
                  struct strbuf *data) MUST_CHECK;

/* Removes download keys: one (file_delete_key) or every key of a record (file_delete_record,
 * after the record is deleted). The blobs go with the next purge. *deleted may be NULL. */
enum err file_delete_key(struct ctx *c, const char *file_key, int64_t *deleted) MUST_CHECK;
enum err file_delete_record(struct ctx *c, int64_t app_id, int64_t record_id,
                            int64_t *deleted) MUST_CHECK;

/* Deletes upload rows never attached and created more than older_than_secs before c->now
 * (callers normally pass FILE_UPLOAD_TTL), then every unreferenced blob. Not inside a
 * transaction. *purged (may be NULL) = upload rows deleted. */
enum err file_purge_unattached(struct ctx *c, int64_t older_than_secs, int64_t *purged) MUST_CHECK;

/* The cleaned file name (see file_upload) in the arena, or NULL when it is unusable. */
const char *file_clean_name(struct arena *a, const char *name);

#endif
