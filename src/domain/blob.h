/* blob: content-addressed, encrypted-at-rest storage of file contents.
 * Address = hex keyed BLAKE2b-256 of the plaintext (key derived from the master key, so an
 * address does not reveal which well-known file is stored). Each distinct content is stored
 * once: zstd level 3 when that shrinks it, then sec_encrypt(). On SQLite the ciphertext is a
 * file <dir>/ab/cdef... (written atomically) and the blobs row has data NULL; on PostgreSQL it
 * is in blobs.data, so streaming replication and pg_dump cover it.
 * Concurrency contract: blob_put() must run in the same write transaction as the insert of the
 * row that references the blob (it opens one itself when the caller has none); that is what
 * keeps blob_delete_unreferenced() from removing a blob that is about to be referenced. */
#ifndef MADO_BLOB_H
#define MADO_BLOB_H

#include "core/err.h"
#include "domain/ctx.h"

#include <stddef.h>

struct sec_key;
struct strbuf;

#define BLOB_HASH_LEN 64

/* Process-wide, once at start, before any worker runs. dir: <data>/blobs (created 0700 if
 * missing), or NULL when every connection is PostgreSQL. key must outlive the blob store.
 * <0 when dir cannot be created. */
int blob_init(const char *dir, const struct sec_key *key);
/* Forgets dir and key (tests; the process exit otherwise). */
void blob_shutdown(void);

/* True when s is a well-formed address (64 lowercase hex digits): check before any lookup. */
bool blob_hash_valid(const char *s);

/* Stores data (n bytes) unless already present; hash receives the address. */
enum err blob_put(struct ctx *c, const void *data, size_t n, char hash[BLOB_HASH_LEN + 1]) MUST_CHECK;
/* Appends the plaintext of blob hash to out (arena or heap strbuf). ERR_FILE_NOT_FOUND when
 * there is no such blob (c->fail untouched: the caller knows which key the user gave);
 * ERR_INTERNAL (logged, fail set) when the stored bytes are missing, do not decrypt, do not
 * decompress or do not match the address; ERR_TOO_LARGE when out's cap is too small. */
enum err blob_get(struct ctx *c, const char *hash, struct strbuf *out) MUST_CHECK;
/* Plaintext size of blob hash without reading it; ERR_FILE_NOT_FOUND as above. */
enum err blob_size(struct ctx *c, const char *hash, int64_t *size) MUST_CHECK;
/* Deletes every blob no files row references. Runs its own write transaction (the caller must
 * not be in one). SQLite blob files are unlinked inside that transaction, before COMMIT: a
 * crash in between leaves an unreferenced row without a file, which blob_put() repairs (it
 * rewrites missing files on dedup) and the next run deletes. Unlinking after COMMIT instead
 * would race with a concurrent blob_put() that re-creates the same content in between. */
enum err blob_delete_unreferenced(struct ctx *c, int64_t *deleted) MUST_CHECK;

/* Stored form (backup and restore): the exact bytes kept for blob hash, still encrypted with
 * the master key, appended to out. ERR_FILE_NOT_FOUND when there is no such row;
 * ERR_INTERNAL (fail set) when the row has no data and no file. */
enum err blob_stored_get(struct ctx *c, const char *hash, struct strbuf *out) MUST_CHECK;
/* Writes a stored form back (restore): checks first that stored decrypts with this master key
 * to content whose address is hash (ERR_INVALID otherwise, nothing written), then writes the
 * file atomically (SQLite) or blobs.data (PostgreSQL), inserting the blobs row when missing. */
enum err blob_stored_put(struct ctx *c, const char *hash, const void *stored, size_t n) MUST_CHECK;

#endif
