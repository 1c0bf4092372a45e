/* Speed of the form language in C (issue #5: a form of 300 fields and 100 rules evaluates
 * all rules in < 2 ms). Reads bench/fcond_form.json (bench/fcond_gen.mjs), then times, many
 * times over: the 100 conditions; the 300 fields' validation; and both together, as one
 * POST of a step does. Prints the median and p99 of each. Build: make build/fcond_bench. */
#include "domain/fcond.h"
#include "domain/fcond_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int
cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int sink;

static void
run_conds(const json_t *conds, const json_t *answers, const struct fcond_env *env)
{
    size_t i;
    const json_t *c;
    json_array_foreach(conds, i, c) sink += fcond_eval(c, answers, env);
}

static void
run_checks(const json_t *rules, const json_t *answers, const struct fcond_env *env)
{
    const char *code;
    const json_t *r;
    struct fval_error err;
    json_object_foreach((json_t *)rules, code, r) sink += fval_check_in(r, answers, code, true, env, &err);
}

static void
report(const char *name, double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, cmp_d);
    printf("| %s | %.3f ms | %.3f ms |\n", name, t[n / 2] / 1000, t[n * 99 / 100] / 1000);
}

int
main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "bench/fcond_form.json";
    int iters = argc > 2 ? atoi(argv[2]) : 2000;
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    if (!doc) {
        fprintf(stderr, "%s: %s\n", path, je.text);
        return 1;
    }
    struct fcond_env env;
    fcond_parse_date(json_string_value(json_object_get(json_object_get(doc, "env"), "today")), false, 0,
                     &env.today);
    const json_t *answers = json_object_get(doc, "answers"), *rules = json_object_get(doc, "rules"),
                 *conds = json_object_get(doc, "conditions");
    double *t1 = malloc(sizeof(double) * (size_t)iters), *t2 = malloc(sizeof(double) * (size_t)iters),
           *t3 = malloc(sizeof(double) * (size_t)iters);
    for (int w = 0; w < 50; w++) /* warm the pattern cache */
        run_conds(conds, answers, &env), run_checks(rules, answers, &env);
    for (int i = 0; i < iters; i++) {
        double a = now_us();
        run_conds(conds, answers, &env);
        double b = now_us();
        run_checks(rules, answers, &env);
        double c = now_us();
        t1[i] = b - a, t2[i] = c - b, t3[i] = c - a;
    }
    printf("C, %zu fields, %zu conditions, %d iterations\n\n| work | median | p99 |\n|---|---|---|\n",
           json_object_size(answers), json_array_size(conds), iters);
    report("100 conditions", t1, iters);
    report("300 field validations", t2, iters);
    report("both (one step POST)", t3, iters);
    free(t1), free(t2), free(t3);
    json_decref(doc);
    fcond_cache_free();
    return sink < 0;
}
