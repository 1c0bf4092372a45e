/* All SQL of the blob store (table blobs). */
#ifndef MADO_BLOB_SQL_H
#define MADO_BLOB_SQL_H

#define BLOB_SQL_EXISTS "SELECT size FROM blobs WHERE hash = $1"
#define BLOB_SQL_INSERT                                                                            \
    "INSERT INTO blobs (hash, size, created_at, data) VALUES ($1, $2, $3, $4) "                    \
    "ON CONFLICT (hash) DO NOTHING"
#define BLOB_SQL_GET "SELECT size, data FROM blobs WHERE hash = $1"
#define BLOB_SQL_UNREFERENCED                                                                      \
    "SELECT hash FROM blobs b WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.blob_hash = b.hash)"
#define BLOB_SQL_SET_DATA "UPDATE blobs SET data = $2 WHERE hash = $1"
/* Re-checked per row so a reference added since the SELECT keeps the blob. */
#define BLOB_SQL_DELETE_IF_UNREFERENCED                                                            \
    "DELETE FROM blobs WHERE hash = $1 AND NOT EXISTS "                                            \
    "(SELECT 1 FROM files f WHERE f.blob_hash = $1)"

#endif
