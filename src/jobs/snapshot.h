/* snapshot: the whole database as one SQLite file, whichever backend is live.
 * A backup's database part is always a SQLite file with the SQLite schema at the same migration
 * version, so one reader serves every backup: whole-system restore (into SQLite or PostgreSQL),
 * verify (open it, integrity_check, count rows) and the online restore of one app or one record.
 * Blob contents are not in it: blobs.data is written NULL (the archive carries the ciphertext of
 * each blob once, see backup.h), so a snapshot stays small however many attachments there are. */
#ifndef MADO_SNAPSHOT_H
#define MADO_SNAPSHOT_H

#include "core/err.h"

#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;
struct fail;

struct snap_count {
    const char *table;
    int64_t rows;
};

/* Every table a snapshot holds, in an order that satisfies foreign keys on import. */
const char *const *snap_tables(size_t *n);

/* Writes a consistent copy of live into a new SQLite file at path (which must not exist; written
 * to path.tmp and renamed). Runs in one read transaction on live (REPEATABLE READ on PostgreSQL;
 * on SQLite the online backup API or an equivalent read transaction), so writers go on while it
 * runs. counts (arena-allocated, one per snap_tables() entry) feed the manifest. */
enum err snap_export(struct db *live, const char *path, struct arena *a, struct snap_count **counts,
                     size_t *ncounts, struct fail *f) MUST_CHECK;

/* Row counts of an existing snapshot (verify compares them with the manifest). */
enum err snap_count_rows(const char *path, struct arena *a, struct snap_count **counts,
                         size_t *ncounts, struct fail *f) MUST_CHECK;

/* Replaces every row of every snapshot table in live with the snapshot's rows, in ONE write
 * transaction (a failure leaves live as it was); identity sequences (PostgreSQL) are moved past
 * the restored ids. Refuses (ERR_INVALID, message in f) a snapshot whose schema version is newer
 * than this binary's, and migrates an older one forward after import. blobs.data is left NULL:
 * the caller writes blob contents back afterwards. */
enum err snap_import(struct db *live, const char *snap_path, struct fail *f) MUST_CHECK;

/* Tests only: called once during snap_export, after the first table has been copied inside the
 * read transaction (a test writes to live there and checks the snapshot does not hold it). */
extern void (*snap_test_hook)(void *);
extern void *snap_test_arg;

#endif
