/* Unit tests for the response-header side of src/http/request.c: several headers of one name
 * (Set-Cookie) all stay, in order; the table holds REQ_MAX_RESP_HEADERS and drops (and logs)
 * anything beyond. */
#include "core/arena.h"
#include "core/log.h"
#include "http/request.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static void
test_several_set_cookie(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct req r;
    req_init(&r, a);
    req_set_header(&r, "X-Cybozu-Error", "CB_AU01");
    req_add_header(&r, "Set-Cookie", "sid=1; Secure; HttpOnly");
    req_add_header(&r, "Set-Cookie", "csrf=2; Secure");
    req_set_header(&r, "Set-Cookie", "lang=ja");
    assert_int_equal(r.nresp_headers, 4);
    assert_string_equal(r.resp_headers[1].name, "Set-Cookie");
    assert_string_equal(r.resp_headers[1].value, "sid=1; Secure; HttpOnly");
    assert_string_equal(r.resp_headers[2].value, "csrf=2; Secure");
    assert_string_equal(r.resp_headers[3].value, "lang=ja");
    arena_free(a);
}

static void
test_table_limit(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct req r;
    req_init(&r, a);
    assert_true(REQ_MAX_RESP_HEADERS >= 16);
    char names[REQ_MAX_RESP_HEADERS + 2][16];
    log_set_level(LOG_ERROR + 1); /* the overflow line is expected here */
    for (int i = 0; i < REQ_MAX_RESP_HEADERS + 2; i++) {
        snprintf(names[i], sizeof(names[i]), "X-H%d", i);
        req_add_header(&r, names[i], "v");
    }
    log_set_level(LOG_INFO);
    assert_int_equal(r.nresp_headers, REQ_MAX_RESP_HEADERS);
    assert_string_equal(r.resp_headers[REQ_MAX_RESP_HEADERS - 1].name,
                        names[REQ_MAX_RESP_HEADERS - 1]);
    arena_free(a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_several_set_cookie),
        cmocka_unit_test(test_table_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
