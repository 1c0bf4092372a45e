/* libFuzzer harness for src/http/multipart.c. Input: the request's Content-Type value, a
 * newline, then the body; without a newline the whole input is the body under a fixed
 * Content-Type. Checks that results point into the body and stay within it.
 * Build: clang -fsanitize=fuzzer,address -Isrc tests/fuzz/fuzz_multipart.c
 *        src/http/multipart.c src/core/arena.c src/core/strbuf.c -o build/fuzz_multipart
 * Seeds: tests/unit/test_multipart.c bodies (prefix them with a Content-Type line). */
#include "core/arena.h"
#include "http/multipart.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *nl = memchr(data, '\n', size < 256 ? size : 256);
    char ct[257];
    const char *body;
    size_t len;
    if (nl) {
        size_t n = (size_t)(nl - (const char *)data);
        memcpy(ct, data, n);
        ct[n] = '\0';
        body = nl + 1;
        len = size - n - 1;
    } else {
        strcpy(ct, "multipart/form-data; boundary=B");
        body = (const char *)data;
        len = size;
    }
    /* Exact-size copy so ASan sees any read past the body. */
    char *copy = malloc(len ? len : 1);
    if (len)
        memcpy(copy, body, len);
    struct arena *a = arena_new();
    struct mpart *parts;
    size_t n;
    if (multipart_parse(a, ct, copy, len, &parts, &n) == ERR_OK) {
        if (n > MULTIPART_MAX_PARTS)
            abort();
        for (size_t i = 0; i < n; i++) {
            if (!parts[i].name || parts[i].data < copy || parts[i].data + parts[i].len > copy + len)
                abort();
            (void)strlen(parts[i].name);
            if (parts[i].filename)
                (void)strlen(parts[i].filename);
            if (parts[i].content_type)
                (void)strlen(parts[i].content_type);
        }
        (void)multipart_find(parts, n, "file");
    }
    arena_free(a);
    free(copy);
    return 0;
}
