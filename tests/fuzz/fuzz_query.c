/* libFuzzer harness for the kintone query compiler (lexer, parser, SQL generation) on both
 * dialects: any input must compile or fail with an error code, never crash or leak.
 * Build (clang 14, libclang-rt-14-dev): make fuzz-query; run: build/fuzz_query -max_total_time=60 */
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "domain/ctx.h"
#include "domain/query.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static json_t *props;

static const char *props_json =
    "{\"文字列\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"文字列\"},"
    "\"数値\":{\"type\":\"NUMBER\",\"code\":\"数値\"},"
    "\"日付\":{\"type\":\"DATE\",\"code\":\"日付\"},"
    "\"日時\":{\"type\":\"DATETIME\",\"code\":\"日時\"},"
    "\"時刻\":{\"type\":\"TIME\",\"code\":\"時刻\"},"
    "\"選択\":{\"type\":\"DROP_DOWN\",\"code\":\"選択\",\"options\":{\"a\":{\"label\":\"a\",\"index\":\"0\"}}},"
    "\"複数\":{\"type\":\"CHECK_BOX\",\"code\":\"複数\",\"options\":{\"a\":{\"label\":\"a\",\"index\":\"0\"}}},"
    "\"本文\":{\"type\":\"RICH_TEXT\",\"code\":\"本文\"},"
    "\"備考\":{\"type\":\"MULTI_LINE_TEXT\",\"code\":\"備考\"},"
    "\"添付\":{\"type\":\"FILE\",\"code\":\"添付\"},"
    "\"担当\":{\"type\":\"USER_SELECT\",\"code\":\"担当\"},"
    "\"表\":{\"type\":\"SUBTABLE\",\"code\":\"表\",\"fields\":{"
    "\"品名\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"品名\"},"
    "\"数量\":{\"type\":\"NUMBER\",\"code\":\"数量\"}}},"
    "\"レコード番号\":{\"type\":\"RECORD_NUMBER\",\"code\":\"レコード番号\"},"
    "\"作成者\":{\"type\":\"CREATOR\",\"code\":\"作成者\"},"
    "\"作成日時\":{\"type\":\"CREATED_TIME\",\"code\":\"作成日時\"},"
    "\"ステータス\":{\"type\":\"STATUS\",\"code\":\"ステータス\",\"enabled\":false}}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!props)
        props = json_loads(props_json, 0, NULL);
    struct arena *a = arena_new();
    char *q = arena_strndup(a, (const char *)data, size);
    for (int kind = 0; kind < 2; kind++) {
        for (unsigned flags = 0; flags < 3; flags++) {
            struct fail f;
            fail_init(&f, a, LANG_JA);
            struct ctx c;
            memset(&c, 0, sizeof(c));
            c.arena = a;
            c.fail = &f;
            c.now = 1764000000;
            c.tz_offset = 540;
            c.who.login = "user";
            struct query_plan plan;
            (void)query_compile(&c, 1, props, q, kind ? DB_PG : DB_SQLITE, flags, &plan);
        }
    }
    arena_free(a);
    return 0;
}
