/* Unit tests for src/core/csv: RFC 4180 quoting, line endings, BOM, blank lines, and the
 * errors an administrator can produce (invalid UTF-8, stray quotes, unterminated quotes), each
 * with the line number that points at the problem. */
#include "core/arena.h"
#include "core/csv.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

struct parsed {
    int nrec;
    int nf[8];
    int line[8];
    const char *f[8][8];
    int rc;
    struct csv_reader r;
};

static void
parse(struct arena *a, const char *s, size_t n, struct parsed *p)
{
    memset(p, 0, sizeof(*p));
    if (!csv_open(&p->r, a, s, n)) {
        p->rc = -2;
        return;
    }
    char *f[CSV_MAX_FIELDS];
    int nf, line, rc;
    while ((rc = csv_next(&p->r, f, &nf, &line)) == 1 && p->nrec < 8) {
        p->nf[p->nrec] = nf;
        p->line[p->nrec] = line;
        for (int i = 0; i < nf && i < 8; i++)
            p->f[p->nrec][i] = f[i];
        p->nrec++;
    }
    p->rc = rc;
}

static void
test_plain_and_quoted(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct parsed p;
    const char *s = "code,name,description\r\n"
                    "a, 担当 ,\"x, y\"\r\n"
                    "b,\"係\"\"長\"\"\",\"two\r\nlines\"\r\n"
                    "c,,\n";
    parse(a, s, strlen(s), &p);
    assert_int_equal(p.rc, 0);
    assert_int_equal(p.nrec, 4);
    assert_int_equal(p.nf[1], 3);
    assert_string_equal(p.f[1][1], "担当"); /* spaces around a field are dropped */
    assert_string_equal(p.f[1][2], "x, y");
    assert_string_equal(p.f[2][1], "係\"長\"");
    assert_string_equal(p.f[2][2], "two\nlines");
    assert_int_equal(p.line[2], 3);
    assert_int_equal(p.line[3], 5); /* the quoted line break counts */
    assert_int_equal(p.nf[3], 3);
    assert_string_equal(p.f[3][2], "");
    arena_free(a);
}

static void
test_bom_blank_lines_no_final_newline(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct parsed p;
    const char *s = "\xEF\xBB\xBF"
                    "code\n\n\r\nx\n\ny";
    parse(a, s, strlen(s), &p);
    assert_int_equal(p.rc, 0);
    assert_int_equal(p.nrec, 3);
    assert_string_equal(p.f[0][0], "code");
    assert_string_equal(p.f[1][0], "x");
    assert_int_equal(p.line[1], 4);
    assert_int_equal(p.line[2], 6);
    /* an empty quoted field is a field */
    parse(a, "\"\"", 2, &p);
    assert_int_equal(p.nrec, 1);
    assert_string_equal(p.f[0][0], "");
    arena_free(a);
}

static void
test_errors_with_lines(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct parsed p;
    const char bad_utf8[] = "a\nb\n\xe3\x81\n";
    parse(a, bad_utf8, sizeof(bad_utf8) - 1, &p);
    assert_int_equal(p.rc, -2);
    assert_int_equal(p.r.error, CSV_BAD_UTF8);
    assert_int_equal(p.r.error_line, 3);
    const char nul[] = "a\n\0b\n";
    parse(a, nul, sizeof(nul) - 1, &p);
    assert_int_equal(p.r.error, CSV_BAD_UTF8);
    assert_int_equal(p.r.error_line, 2);
    /* overlong encoding and a surrogate */
    parse(a, "\xc0\xaf", 2, &p);
    assert_int_equal(p.rc, -2);
    parse(a, "\xed\xa0\x80", 3, &p);
    assert_int_equal(p.rc, -2);

    parse(a, "a,b\nc,\"d\n\ne", strlen("a,b\nc,\"d\n\ne"), &p);
    assert_int_equal(p.rc, -1);
    assert_int_equal(p.r.error, CSV_UNTERMINATED);
    assert_int_equal(p.r.error_line, 2);
    parse(a, "a\nx\"y\n", strlen("a\nx\"y\n"), &p);
    assert_int_equal(p.r.error, CSV_BAD_QUOTE);
    assert_int_equal(p.r.error_line, 2);
    parse(a, "a\n\"x\"y\n", strlen("a\n\"x\"y\n"), &p);
    assert_int_equal(p.r.error, CSV_BAD_QUOTE);
    assert_int_equal(p.r.error_line, 2);
    assert_non_null(csv_error_text(CSV_BAD_QUOTE, false));
    arena_free(a);
}

static void
test_too_many_fields(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct parsed p;
    char buf[CSV_MAX_FIELDS * 2 + 4];
    size_t n = 0;
    for (int i = 0; i <= CSV_MAX_FIELDS; i++) {
        buf[n++] = 'x';
        buf[n++] = ',';
    }
    buf[n - 1] = '\n';
    parse(a, buf, n, &p);
    assert_int_equal(p.rc, -1);
    assert_int_equal(p.r.error, CSV_TOO_MANY_FIELDS);
    arena_free(a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_quoted),
        cmocka_unit_test(test_bom_blank_lines_no_final_newline),
        cmocka_unit_test(test_errors_with_lines),
        cmocka_unit_test(test_too_many_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
