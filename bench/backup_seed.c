/* Seeds the blob store of a data directory for bench/backup.sh: N blobs of SIZE random
 * (incompressible, like PDFs and photos) bytes each, stored exactly as uploads are (blob_put:
 * zstd when it helps, then encrypted with the master key), each referenced by a files row so
 * they count as attachments. The server must be stopped.
 * usage: build/backup_seed DATA_DIR N SIZE */
#include "core/arena.h"
#include "db/db.h"
#include "domain/blob.h"
#include "domain/ctx.h"
#include "sec/sec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int
main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: backup_seed DATA_DIR N SIZE\n");
        return 2;
    }
    const char *data = argv[1];
    long n = atol(argv[2]), size = atol(argv[3]);
    char path[4096], blobs[4096], key[4096];
    snprintf(path, sizeof(path), "%s/madoguchi.db", data);
    snprintf(blobs, sizeof(blobs), "%s/blobs", data);
    snprintf(key, sizeof(key), "%s/keys/master.key", data);
    struct sec_key *k = NULL;
    struct db *db = NULL;
    char *err = NULL;
    if (sec_init() < 0 || sec_key_load(key, false, &k) != ERR_OK || blob_init(blobs, k) != 0 ||
        db_open(path, &db, &err) != DB_OK) {
        fprintf(stderr, "backup_seed: cannot open %s: %s\n", data, err ? err : "?");
        return 1;
    }
    char *buf = malloc((size_t)size);
    struct arena *a = arena_new();
    struct fail f;
    for (long i = 0; i < n; i++) {
        if (i % 200 == 0) {
            if (i && db_commit(db) != DB_OK)
                return 1;
            arena_free(a);
            a = arena_new();
            if (db_begin(db, true) != DB_OK)
                return 1;
        }
        fail_init(&f, a, LANG_EN);
        struct ctx c = { .arena = a, .db = db, .fail = &f, .now = (int64_t)time(NULL) };
        sec_random(buf, (size_t)size);
        char h[BLOB_HASH_LEN + 1];
        if (blob_put(&c, buf, (size_t)size, h) != ERR_OK)
            return 1;
        char name[64], fk[33];
        snprintf(name, sizeof(name), "seed-%ld.bin", i);
        sec_random_hex(fk, 16);
        struct db_param p[] = { DBP_TEXT(fk), DBP_TEXT(h), DBP_TEXT(name), DBP_INT(size),
                                DBP_INT(c.now) };
        if (db_exec(db, "INSERT INTO files (file_key, blob_hash, name, content_type, size, "
                        "creator, created_at) VALUES ($1, $2, $3, 'application/octet-stream', "
                        "$4, 'bench', $5)",
                    p, 5, NULL) != DB_OK) {
            fprintf(stderr, "backup_seed: %s\n", db_errmsg(db));
            return 1;
        }
    }
    if (db_commit(db) != DB_OK)
        return 1;
    arena_free(a);
    free(buf);
    db_close(db);
    blob_shutdown();
    sec_key_free(k);
    return 0;
}
