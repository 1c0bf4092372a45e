/* backup_read: opening one backup archive to read from it (verify, whole restore, online
 * restore of one app or one record). An archive is decrypted and checked against its manifest
 * once, at open; the snapshot database inside is extracted to a private temporary directory and
 * deleted at close. Blobs an incremental archive does not carry itself are read from the older
 * archives of the same backup directory that its manifest names. */
#ifndef MADO_BACKUP_READ_H
#define MADO_BACKUP_READ_H

#include "core/err.h"

#include <stdint.h>

struct fail;
struct sec_key;
struct strbuf;

struct bk_reader;

/* archive: path of a .mbk file (its directory is searched for the older archives it names).
 * bkey: the backup key (backup keygen). tmpdir: where to extract (NULL: $TMPDIR or /tmp).
 * Errors (message in f, Japanese first): not an archive, truncated, wrong key (key id differs,
 * or decryption fails), a hash that does not match, a newer format or schema version. */
enum err bk_reader_open(const char *archive, const struct sec_key *bkey, const char *tmpdir,
                        struct bk_reader **out, struct fail *f) MUST_CHECK;
/* Path of the extracted snapshot: a SQLite file as described in snapshot.h. Open it read-only. */
const char *bk_reader_db_path(const struct bk_reader *r);
/* When the backup was taken (unix seconds, UTC) and its id (the archive's file name without
 * directory). */
int64_t bk_reader_taken_at(const struct bk_reader *r);
const char *bk_reader_id(const struct bk_reader *r);
/* Appends the stored form of blob hash (exactly the bytes blob.c keeps: encrypted with the
 * master key) to out. ERR_FILE_NOT_FOUND when neither this archive nor the ones it names hold it. */
enum err bk_reader_blob(struct bk_reader *r, const char *hash, struct strbuf *out,
                        struct fail *f) MUST_CHECK;
/* Optional, before several bk_reader_blob() calls: extracts the stored forms of hashes (n of
 * them) into the private temporary directory reading each archive that holds some of them once,
 * so later bk_reader_blob() calls for them read a small file instead of scanning an archive
 * (each scan is a sequential read of the holding archive: ~7 s per GB on a small VM). Unknown
 * hashes are ignored here (bk_reader_blob() reports them). */
enum err bk_reader_prefetch(struct bk_reader *r, const char *const *hashes, size_t n,
                            struct fail *f) MUST_CHECK;
/* Deletes the extracted files and frees r (NULL allowed). */
void bk_reader_close(struct bk_reader *r);

#endif
