/* Speed and memory of document rendering (issue #7: a one-page permit with a background PDF
 * renders in < 30 ms median; 1,000 documents with memory flat). Opens a data directory made by
 * bench/pdf.sh, loads the template and the records, then renders one document per record,
 * each in an arena of its own as the API does, ROUNDS times over, and prints the median and
 * p99 of one render and the resident memory after 100 and after all renders.
 * Build: make build/pdf_bench. Usage: build/pdf_bench --data DIR --app N --template CODE [--rounds R] */
#include "cmd/cmd.h"
#include "core/arena.h"
#include "core/strbuf.h"
#include "domain/app.h"
#include "domain/doc_template.h"
#include "domain/lclock.h"
#include "domain/record.h"
#include "pdf/pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int
cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static long
rss_kb(void)
{
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
            rss = 0;
        fclose(f);
    }
    return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static void
usage(FILE *out)
{
    fputs("usage: pdf_bench --data DIR --app N --template CODE [--rounds R]\n", out);
}

int
main(int argc, char **argv)
{
    struct runtime rt;
    char *rest[RUNTIME_MAX_ARGS];
    int nrest;
    int rc = runtime_args(&rt, argc, argv, rest, &nrest, usage);
    if (rc >= 0)
        return rc;
    long long app = 0;
    const char *code = NULL;
    int rounds = 3;
    for (int i = 0; i + 1 < nrest; i++) {
        if (!strcmp(rest[i], "--app"))
            app = atoll(rest[i + 1]);
        else if (!strcmp(rest[i], "--template"))
            code = rest[i + 1];
        else if (!strcmp(rest[i], "--rounds"))
            rounds = atoi(rest[i + 1]);
    }
    if (!app || !code || rounds < 1) {
        usage(stderr);
        return 2;
    }
    if (runtime_open(&rt) != 0)
        return 1;
    struct arena *a = arena_new();
    struct ctx c;
    struct fail f;
    runtime_ctx(&rt, &c, a, &f);
    struct app_def d;
    struct tpl t;
    struct rec_stored *recs;
    size_t n;
    enum err e = app_load(&c, app, false, &d);
    if (e == ERR_OK)
        e = tpl_load(&c, app, code, 0, &t);
    if (e == ERR_OK)
        e = rec_select_stored(&c, &d, "order by $id asc", 100000, &recs, &n);
    if (e != ERR_OK || !n) {
        fprintf(stderr, "pdf_bench: %s\n", f.message ? f.message : "no records");
        return 1;
    }
    size_t total = n * (size_t)rounds;
    double *ms = malloc(total * sizeof(double));
    long rss100 = 0, rss_start = rss_kb();
    size_t bytes = 0;
    for (size_t k = 0; k < total; k++) {
        const struct rec_stored *r = &recs[k % n];
        struct arena *one = arena_new();
        struct ctx c1 = c;
        struct fail f1;
        fail_init(&f1, one, LANG_JA);
        c1.arena = one;
        c1.fail = &f1;
        struct pdf_record pr = { .id = r->id, .data = r->data, .receipt_no = r->receipt_no,
                                 .verify_code = "BENCH12345" };
        struct pdf_job job = { .def = t.def, .props = d.props, .records = &pr, .nrecords = 1,
                               .verify_base = "https://shinsei.example.lg.jp/verify/",
                               .today = lclock_day(c.now) };
        struct strbuf out;
        strbuf_init(&out, NULL, 0);
        double t0 = now_ms();
        e = pdf_render(&c1, &job, &out);
        ms[k] = now_ms() - t0;
        if (e != ERR_OK) {
            fprintf(stderr, "pdf_bench: record %lld: %s\n", (long long)r->id,
                    f1.message ? f1.message : "failed");
            return 1;
        }
        bytes += out.len;
        strbuf_release(&out);
        arena_free(one);
        if (k + 1 == 100)
            rss100 = rss_kb();
    }
    long rss_end = rss_kb();
    qsort(ms, total, sizeof(double), cmp_d);
    printf("documents %zu (%zu records x %d rounds), mean size %zu bytes\n", total, n, rounds,
           bytes / total);
    printf("render median %.2f ms, p99 %.2f ms, min %.2f ms\n", ms[total / 2],
           ms[(size_t)((double)total * 0.99)], ms[0]);
    printf("resident memory: start %ld KB, after 100 %ld KB, after %zu %ld KB\n", rss_start,
           rss100, total, rss_end);
    free(ms);
    arena_free(a);
    runtime_close(&rt);
    pdf_shutdown();
    return 0;
}
