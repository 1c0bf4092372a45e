/* archive: the container of one backup (.mbk). A plain header (magic, then a JSON object with
 * the key id, time, versions and the archives this one needs) followed by a libsodium
 * secretstream (xchacha20poly1305) of chunks of at most ARC_CHUNK plaintext bytes; the header is
 * authenticated as additional data of the first chunk and the last chunk is tagged FINAL, so a
 * reordered, cut or extended file fails. The decrypted stream is one zstd stream of entries
 * (type byte, name, length, data). Written to FILE.tmp, fsynced and renamed; read as a stream,
 * so neither side holds more than a chunk of a multi-gigabyte archive in memory.
 * (Uses libsodium directly: sec.h only has whole-buffer encryption.) */
#ifndef MADO_ARCHIVE_H
#define MADO_ARCHIVE_H

#include "core/err.h"

#include <stdint.h>

struct fail;
struct sec_key;

#define ARC_FORMAT 1
#define ARC_CHUNK (1024 * 1024)
#define ARC_KEY_ID_LEN 16

/* Entry types. */
#define ARC_INDEX 'I'    /* JSON: every blob the snapshot references -> archive holding it */
#define ARC_DB 'D'       /* the snapshot database (snapshot.h) */
#define ARC_BLOB 'B'     /* the stored form of one blob, name = its address */
#define ARC_SETTING 'S'  /* a settings file, name = its path under the data directory */
#define ARC_MANIFEST 'M' /* JSON, last: counts, versions, SHA-256 of every other entry */

/* Short public id of a backup key (hex, ARC_KEY_ID_LEN digits + NUL): derived one-way. */
void arc_key_id(const struct sec_key *bkey, char out[ARC_KEY_ID_LEN + 1]);

struct arc_writer;
/* Creates path.tmp (O_EXCL). header_json is written in the clear (no secrets in it!). */
enum err arc_writer_open(const char *path, const struct sec_key *bkey, const char *header_json,
                         struct arc_writer **out, struct fail *f) MUST_CHECK;
/* Starts an entry of exactly len bytes; the previous one must be complete. */
enum err arc_entry(struct arc_writer *w, char type, const char *name, uint64_t len,
                   struct fail *f) MUST_CHECK;
enum err arc_data(struct arc_writer *w, const void *p, size_t n, struct fail *f) MUST_CHECK;
/* SHA-256 (hex) of the data of the last complete entry. */
const char *arc_writer_last_sha(const struct arc_writer *w);
/* Ends the stream, fsyncs and renames path.tmp to path (fsyncing the directory). Frees w. */
enum err arc_writer_commit(struct arc_writer *w, uint64_t *size, struct fail *f) MUST_CHECK;
/* Deletes path.tmp and frees w (NULL allowed). */
void arc_writer_abort(struct arc_writer *w);

struct arc_reader;
/* Reads the plain header; checks the magic, the format version and the key id (a different
 * key is reported with both ids). header_only: no key needed (bkey may be NULL), arc_next()
 * then refuses. */
enum err arc_reader_open(const char *path, const struct sec_key *bkey, bool header_only,
                         struct arc_reader **out, struct fail *f) MUST_CHECK;
const char *arc_reader_header(const struct arc_reader *r);
/* Next entry: *type = 0 at the authenticated end of the stream (after the FINAL chunk and
 * nothing more in the file). Skips what is left of the current entry. */
enum err arc_next(struct arc_reader *r, char *type, const char **name, uint64_t *len,
                  struct fail *f) MUST_CHECK;
/* Exactly n bytes of the current entry's data. */
enum err arc_read(struct arc_reader *r, void *p, size_t n, struct fail *f) MUST_CHECK;
/* SHA-256 (hex) of the current entry's data, once all of it has been read (or skipped by
 * arc_next()); NULL before. */
const char *arc_reader_entry_sha(const struct arc_reader *r);
/* Skips the rest of the current entry (hashing it). */
enum err arc_skip(struct arc_reader *r, struct fail *f) MUST_CHECK;
void arc_reader_close(struct arc_reader *r);

#endif
