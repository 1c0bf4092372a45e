/* pdf_bundle: issued documents zipped in memory (libzip over a buffer source). The bundle is
 * at most 100 documents of some 70 KB each, so memory, not temporary files, is the right place. */
#include "pdf/pdf_bundle.h"

#include "core/arena.h"
#include "core/log.h"
#include "core/strbuf.h"

#include <jansson.h>
#include <string.h>
#include <zip.h>

/* name, or name-K.ext when it was used K-1 times before */
static const char *
unique_name(struct ctx *c, json_t *seen, const char *name)
{
    json_int_t k = json_integer_value(json_object_get(seen, name)) + 1;
    json_object_set_new(seen, name, json_integer(k));
    if (k == 1)
        return name;
    const char *dot = strrchr(name, '.');
    int stem = dot && dot != name ? (int)(dot - name) : (int)strlen(name);
    return arena_printf(c->arena, "%.*s-%lld%s", stem, name, (long long)k, name + stem);
}

enum err
pdf_bundle_zip(struct ctx *c, const struct pdf_bundle_item *items, size_t n, struct strbuf *out)
{
    zip_error_t ze;
    zip_error_init(&ze);
    json_t *seen = json_object();
    zip_t *z = NULL;
    zip_source_t *buf = zip_source_buffer_create(NULL, 0, 0, &ze);
    if (!buf)
        goto fail;
    z = zip_open_from_source(buf, ZIP_TRUNCATE, &ze);
    if (!z)
        goto fail;
    zip_source_keep(buf); /* read it back after zip_close() */
    for (size_t i = 0; i < n; i++) {
        zip_source_t *s = zip_source_buffer(z, items[i].data, items[i].len, 0);
        zip_int64_t idx = s ? zip_file_add(z, unique_name(c, seen, items[i].name), s, ZIP_FL_ENC_UTF_8)
                            : -1;
        if (idx < 0) {
            zip_source_free(s);
            goto fail_z;
        }
        zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
    }
    if (zip_close(z) != 0)
        goto fail_z;
    z = NULL;
    zip_stat_t st;
    if (zip_source_stat(buf, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) || zip_source_open(buf) != 0)
        goto fail_src;
    char chunk[65536];
    zip_int64_t got;
    while ((got = zip_source_read(buf, chunk, sizeof(chunk))) > 0)
        strbuf_add(out, chunk, (size_t)got);
    zip_source_close(buf);
    if (got < 0 || !strbuf_ok(out))
        goto fail_src;
    zip_source_free(buf);
    json_decref(seen);
    return ERR_OK;
fail_z:
    log_error("pdf_bundle: %s", zip_strerror(z));
    zip_discard(z);
    z = NULL;
fail_src:
    if (buf)
        zip_source_free(buf);
    json_decref(seen);
    return fail_set(c->fail, ERR_INTERNAL, NULL);
fail:
    log_error("pdf_bundle: %s", zip_error_strerror(&ze));
    if (buf)
        zip_source_free(buf);
    zip_error_fini(&ze);
    json_decref(seen);
    return fail_set(c->fail, ERR_INTERNAL, NULL);
}
