/* Benchmark of online restore (issue #9), in process through the real route table (the API
 * test harness: SQLite in memory, or PostgreSQL when TEST_PG_DSN is set): an app of N records
 * (10 fields, a unique one, a comment on every 10th), a snapshot (snap_export), then every
 * record changed, 1% deleted and 10 created after it — the worst case for an app restore.
 * Measures: the snapshot, single-record restores (median and max of ROUNDS records, each one
 * request: open the snapshot, compare, write), the app preview and the app restore.
 * Usage: build/restore_bench [N] [ROUNDS]. Prints one line per measure. */
#include "harness.h"

#include "api/restore_api.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "jobs/snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char snap_path[256];

static double
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static enum err
no_blob(void *u, const char *hash, struct strbuf *out, struct fail *f)
{
    (void)u, (void)hash, (void)out, (void)f;
    return ERR_FILE_NOT_FOUND;
}

static enum err
bench_open(const char *id, struct restore_src *src, void **handle, struct fail *f)
{
    (void)f;
    struct db *snap = NULL;
    char *err = NULL;
    if (db_open(snap_path, &snap, &err) != DB_OK) {
        fprintf(stderr, "open %s: %s\n", snap_path, err);
        exit(1);
    }
    src->snap = snap;
    src->backup_id = id;
    src->taken_at = 1775001600;
    src->fetch = no_blob;
    *handle = snap;
    return ERR_OK;
}

static void
bench_close(void *handle)
{
    db_close(handle);
}

static void
ok(const struct th_resp *r, const char *what)
{
    if (r->status != 200) {
        fprintf(stderr, "%s: HTTP %d\n", what, r->status);
        th_dump();
        exit(1);
    }
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* 100 records per request, each with 10 fields */
static void
bulk(long app, long n, const char *method, const char *tag)
{
    size_t cap = 400000;
    char *buf = malloc(cap);
    for (long first = 1; first <= n; first += 100) {
        size_t k = (size_t)snprintf(buf, cap, "{\"app\":%ld,\"records\":[", app);
        for (long id = first; id < first + 100 && id <= n; id++) {
            if (method[0] == 'P' && method[1] == 'U')
                k += (size_t)snprintf(buf + k, cap - k, "%s{\"id\":%ld,\"record\":{", id > first ? "," : "", id);
            else
                k += (size_t)snprintf(buf + k, cap - k, "%s{", id > first ? "," : "");
            k += (size_t)snprintf(buf + k, cap - k,
                                  "\"title\":{\"value\":\"%s 申請 %ld\"},\"n\":{\"value\":\"%ld\"},"
                                  "\"name\":{\"value\":\"世田谷 太郎 %ld\"},\"addr\":{\"value\":\"東京都世田谷区"
                                  "世田谷4丁目21番27号 %s\"},\"memo\":{\"value\":\"備考 %s %ld\\n二行目\"},"
                                  "\"d\":{\"value\":\"2026-04-01\"},\"kind\":{\"value\":\"一般\"},"
                                  "\"amount\":{\"value\":\"%ld\"},\"tel\":{\"value\":\"03-5432-%04ld\"},"
                                  "\"mail\":{\"value\":\"taro%ld@example.jp\"}",
                                  tag, id, id, id, tag, tag, id, id * 100, id % 10000, id);
            k += (size_t)snprintf(buf + k, cap - k, method[1] == 'U' ? "}}" : "}");
        }
        snprintf(buf + k, cap - k, "]}");
        ok(th_request(method, "/k/v1/records.json", buf, NULL, 1), "bulk");
    }
    free(buf);
}

int
main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 10000;
    int rounds = argc > 2 ? atoi(argv[2]) : 20;
    snprintf(snap_path, sizeof(snap_path), "/tmp/madoguchi-restore-bench-%d.db", (int)getpid());
    unlink(snap_path);
    th_setup(NULL);
    restore_api_set_opener(bench_open, bench_close);
    long app = th_app(
        "{\"title\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"title\",\"unique\":true},"
        "\"n\":{\"type\":\"NUMBER\",\"code\":\"n\"},\"name\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"name\"},"
        "\"addr\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"addr\"},\"memo\":{\"type\":\"MULTI_LINE_TEXT\",\"code\":\"memo\"},"
        "\"d\":{\"type\":\"DATE\",\"code\":\"d\"},\"kind\":{\"type\":\"DROP_DOWN\",\"code\":\"kind\",\"options\":"
        "{\"一般\":{\"label\":\"一般\",\"index\":\"0\"},\"至急\":{\"label\":\"至急\",\"index\":\"1\"}}},"
        "\"amount\":{\"type\":\"NUMBER\",\"code\":\"amount\"},\"tel\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"tel\"},"
        "\"mail\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"mail\"}}");
    double t0 = now_ms();
    bulk(app, n, "POST", "元");
    for (long id = 10; id <= n; id += 10) {
        char body[200];
        snprintf(body, sizeof(body), "{\"app\":%ld,\"record\":%ld,\"comment\":{\"text\":\"確認済み\"}}", app, id);
        ok(th_request("POST", "/k/v1/record/comment.json", body, NULL, 1), "comment");
    }
    double seeded = now_ms() - t0;

    struct arena *a = arena_new();
    struct fail f;
    fail_init(&f, a, LANG_JA);
    struct snap_count *counts;
    size_t nc;
    t0 = now_ms();
    if (snap_export(th_db(), snap_path, a, &counts, &nc, &f) != ERR_OK) {
        fprintf(stderr, "snap_export: %s\n", f.message);
        return 1;
    }
    double snap_ms = now_ms() - t0;

    /* the worst case: everything changed, 1% deleted, 10 created after the backup */
    bulk(app, n, "PUT", "変更");
    char body[400];
    for (long id = 1; id <= n; id += 100) {
        snprintf(body, sizeof(body), "{\"app\":%ld,\"ids\":[%ld]}", app, id);
        ok(th_request("DELETE", "/k/v1/records.json", body, NULL, 1), "delete");
    }
    for (int i = 0; i < 10; i++) {
        snprintf(body, sizeof(body), "{\"app\":%ld,\"record\":{\"title\":{\"value\":\"後 %d\"}}}", app, i);
        ok(th_request("POST", "/k/v1/record.json", body, NULL, 1), "late");
    }

    double *one = calloc((size_t)rounds, sizeof(double));
    for (int i = 0; i < rounds; i++) {
        long id = 2 + (long)i * (n / rounds);
        snprintf(body, sizeof(body), "{\"backup\":\"bench\",\"app\":%ld,\"record\":%ld}", app, id);
        t0 = now_ms();
        ok(th_request("POST", "/api/restore.json", body, NULL, 1), "record restore");
        one[i] = now_ms() - t0;
    }
    qsort(one, (size_t)rounds, sizeof(double), cmp_double);

    snprintf(body, sizeof(body), "{\"backup\":\"bench\",\"app\":%ld}", app);
    t0 = now_ms();
    const struct th_resp *r = th_request("POST", "/api/restore/preview.json", body, NULL, 1);
    ok(r, "app preview");
    double preview_ms = now_ms() - t0;
    long changed = (long)json_integer_value(th_at(r->json, "records.changed"));
    t0 = now_ms();
    r = th_request("POST", "/api/restore.json", body, NULL, 1);
    ok(r, "app restore");
    double app_ms = now_ms() - t0;
    printf("backend %s\n", th_backend());
    printf("seed %ld records %.0f ms\n", n, seeded);
    printf("snapshot %.0f ms\n", snap_ms);
    printf("record restore median %.1f ms max %.1f ms (%d records)\n", one[rounds / 2],
           one[rounds - 1], rounds);
    printf("app preview %.0f ms (%ld changed)\n", preview_ms, changed);
    printf("app restore %.0f ms: changed %lld added %lld removed %lld\n", app_ms,
           (long long)json_integer_value(th_at(r->json, "changed")),
           (long long)json_integer_value(th_at(r->json, "added")),
           (long long)json_integer_value(th_at(r->json, "removed")));
    free(one);
    arena_free(a);
    restore_api_set_opener(NULL, NULL);
    th_teardown(NULL);
    unlink(snap_path);
    return 0;
}
