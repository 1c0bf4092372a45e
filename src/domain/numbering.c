/* Counters (sequences table) and the number formats of numbering.h. */
#include "numbering.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* UPSERT … RETURNING: SQLite ≥ 3.35 and PostgreSQL */
#define NUM_SQL_NEXT                                                                               \
    "INSERT INTO sequences (name, period, next) VALUES ($1, $2, 2) ON CONFLICT (name, period) "   \
    "DO UPDATE SET next = sequences.next + 1 RETURNING next - 1"

bool
num_spec_valid(const json_t *spec, const char **bad)
{
    const char *name = json_string_value(json_object_get(spec, "sequence"));
    const char *fmt = json_string_value(json_object_get(spec, "format"));
    const char *reset = json_string_value(json_object_get(spec, "reset"));
    *bad = NULL;
    if (!name || !*name || strlen(name) > 64)
        *bad = "sequence";
    else if (fmt && (strlen(fmt) > 128 || !strstr(fmt, "{n")))
        *bad = "format";
    else if (reset && strcmp(reset, "NONE") && strcmp(reset, "YEAR") && strcmp(reset, "FISCAL_YEAR"))
        *bad = "reset";
    return *bad == NULL;
}

enum err
num_next_formatted(struct ctx *c, const json_t *spec, const char **out)
{
    const char *bad;
    if (!num_spec_valid(spec, &bad)) {
        fail_field(c->fail, bad, MSG_BAD_PARAM, NULL);
        return ERR_INVALID;
    }
    const char *name = json_string_value(json_object_get(spec, "sequence"));
    const char *fmt = json_string_value(json_object_get(spec, "format"));
    const char *reset = json_string_value(json_object_get(spec, "reset"));
    int y, m, d;
    clock_civil_from_days((c->now + (int64_t)c->tz_offset * 60) / 86400, &y, &m, &d);
    int nendo = m >= 4 ? y : y - 1;
    char period[16] = "";
    if (!reset || strcmp(reset, "FISCAL_YEAR") == 0)
        snprintf(period, sizeof(period), "FY%d", nendo);
    else if (strcmp(reset, "YEAR") == 0)
        snprintf(period, sizeof(period), "%d", y);
    struct db_param p[] = { DBP_TEXT(name), DBP_TEXT(period) };
    int64_t n = 0;
    bool found = false;
    int rc = db_query_int(c->db, NUM_SQL_NEXT, p, 2, &n, &found);
    if (rc != DB_OK || !found)
        return app_db_fail(c, rc != DB_OK ? rc : DB_ERROR);
    struct strbuf sb;
    strbuf_init(&sb, c->arena, 0);
    for (const char *s = fmt ? fmt : "{n}"; *s;) {
        const char *close = *s == '{' ? strchr(s, '}') : NULL;
        if (!close) {
            strbuf_addc(&sb, *s++);
            continue;
        }
        size_t len = (size_t)(close - s - 1);
        char key[16] = "";
        if (len < sizeof(key))
            memcpy(key, s + 1, len), key[len] = '\0';
        if (strcmp(key, "n") == 0)
            strbuf_addf(&sb, "%lld", (long long)n);
        else if (key[0] == 'n' && key[1] == ':' && atoi(key + 2) > 0 && atoi(key + 2) <= 12)
            strbuf_addf(&sb, "%0*lld", atoi(key + 2), (long long)n);
        else if (strcmp(key, "yyyy") == 0)
            strbuf_addf(&sb, "%d", y);
        else if (strcmp(key, "nendo") == 0)
            strbuf_addf(&sb, "%d", nendo);
        else if (strcmp(key, "reiwa") == 0)
            strbuf_addf(&sb, "%d", nendo - 2018);
        else if (strcmp(key, "wareki") == 0) /* 和暦年 of the fiscal year: 令和8 */
            strbuf_addf(&sb, "令和%d", nendo - 2018);
        else
            strbuf_add(&sb, s, (size_t)(close - s + 1)); /* not ours: kept as written */
        s = close + 1;
    }
    *out = sb.buf;
    return ERR_OK;
}
