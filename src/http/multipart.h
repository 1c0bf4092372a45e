/* multipart: strict parser for multipart/form-data request bodies (RFC 7578 / RFC 2046 as
 * browsers, Node's form-data and curl send them). Our own parser rather than GMime: GMime keeps
 * a stray CR in the last part when the close delimiter has no trailing CRLF (binary data
 * corrupted), accepts truncated bodies without a close delimiter, treats "\" in quoted file
 * names as an escape (browsers send Windows paths and never escape backslashes), and copies
 * the whole body outside the arena. Here the result points into the body (zero copy).
 * Any malformed input gives ERR_INVALID, never a crash: broken or missing boundaries, missing
 * Content-Disposition or name, duplicate parameters, bare CR/LF in headers, header blocks over
 * MULTIPART_MAX_HEADER bytes, more than MULTIPART_MAX_PARTS parts, truncated bodies. */
#ifndef MADO_MULTIPART_H
#define MADO_MULTIPART_H

#include "core/err.h"

#include <stddef.h>

struct arena;

#define MULTIPART_MAX_PARTS 100
#define MULTIPART_MAX_HEADER 8192 /* bytes of one part's header block */
#define MULTIPART_MAX_BOUNDARY 70 /* RFC 2046 */

struct mpart {
    const char *name;         /* arena, NUL-terminated; never NULL */
    const char *filename;     /* arena; NULL when the part has no filename parameter, "" when
                               * a browser sent an empty file input. filename*=UTF-8''... (RFC
                               * 5987) wins over filename=. Raw bytes as sent (normally UTF-8),
                               * path components NOT stripped (file_clean_name does that). */
    const char *content_type; /* arena; NULL when the part has no Content-Type header */
    const char *data;         /* points INTO the body passed to multipart_parse (not copied,
                               * not NUL-terminated): valid as long as the body is */
    size_t len;
};

/* content_type: the request's Content-Type header value ("multipart/form-data; boundary=...").
 * On success *parts (arena array, possibly empty) and *nparts are set; on error NULL / 0. */
enum err multipart_parse(struct arena *a, const char *content_type, const void *body, size_t len,
                         struct mpart **parts, size_t *nparts) MUST_CHECK;

/* First part named name, or NULL. */
const struct mpart *multipart_find(const struct mpart *parts, size_t nparts, const char *name);

#endif
