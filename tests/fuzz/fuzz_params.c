/* libFuzzer harness for request parameter parsing (qs-style query strings, percent-decoding,
 * bracketed and repeated keys) and the typed readers used on them.
 * Build: make fuzz-params; run: build/fuzz_params -max_total_time=60 */
#include "api/params.h"
#include "core/arena.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = arena_new();
    char *qs = arena_strndup(a, (const char *)data, size);
    json_t *obj = json_object();
    (void)params_parse_query(a, obj, qs);
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        int64_t n;
        (void)params_int(obj, key, &n);
        (void)params_str(obj, key);
        (void)params_bool(obj, key);
    }
    char *dump = json_dumps(obj, JSON_COMPACT);
    free(dump);
    json_decref(obj);
    arena_free(a);
    return 0;
}
