/* Unit tests for src/core/ipnet: address parsing and formatting, CIDR lists (bounds, host
 * bits, families, IPv4-mapped), allowlist semantics and the X-Forwarded-For walk. */
#include "core/ipnet.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static struct ipaddr
ip(const char *s)
{
    struct ipaddr a;
    if (!ipaddr_parse(s, &a))
        fail_msg("cannot parse %s", s);
    return a;
}

static void
assert_roundtrip(const char *in, const char *want, bool v4)
{
    struct ipaddr a;
    char out[46];
    assert_true(ipaddr_parse(in, &a));
    assert_int_equal(a.v4, v4);
    ipaddr_format(&a, out);
    assert_string_equal(out, want);
}

static void
test_parse_format(void **state)
{
    (void)state;
    assert_roundtrip("192.0.2.1", "192.0.2.1", true);
    assert_roundtrip("0.0.0.0", "0.0.0.0", true);
    assert_roundtrip("255.255.255.255", "255.255.255.255", true);
    assert_roundtrip("2001:db8::1", "2001:db8::1", false);
    assert_roundtrip("2001:DB8:0:0:0:0:0:1", "2001:db8::1", false);
    assert_roundtrip("[2001:db8::1]", "2001:db8::1", false);
    assert_roundtrip("::", "::", false);
    assert_roundtrip("::1", "::1", false);
    assert_roundtrip("fe80::1:2", "fe80::1:2", false);
    /* IPv4-mapped is the IPv4 address */
    assert_roundtrip("::ffff:192.0.2.1", "192.0.2.1", true);
    assert_roundtrip("::FFFF:c000:0201", "192.0.2.1", true);
    assert_roundtrip("[::ffff:192.0.2.1]", "192.0.2.1", true);
    /* IPv4-compatible (deprecated) and NAT64 forms are not mapped */
    assert_roundtrip("64:ff9b::192.0.2.1", "64:ff9b::c000:201", false);

    struct ipaddr a = ip("10.1.2.3"), b = ip("::ffff:10.1.2.3");
    assert_memory_equal(&a.b, &b.b, 16);
    static const uint8_t want[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 1, 2, 3 };
    assert_memory_equal(a.b, want, 16);

    static const char *bad[] = {
        "", " 192.0.2.1", "192.0.2.1 ", "192.0.2", "192.0.2.1.5", "192.0.2.256", "192.0.2.-1",
        "01.2.3.4", "1.2.3.4/32", "fe80::1%eth0", "fe80::1%1", "2001:db8:::1", "2001:db8::1::2",
        "[2001:db8::1", "2001:db8::1]", "[]", "[192.0.2.1", "localhost", "1.2.3.4:80", "0x7f.0.0.1",
        "1:2:3:4:5:6:7:8:9", "12345::1", "::ffff:1.2.3.4.5",
        "2001:0db8:0000:0000:0000:0000:0000:0001:0000:0000:0000:0000:0000:0000:0000:0000:0000",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (ipaddr_parse(bad[i], &a))
            fail_msg("accepted \"%s\"", bad[i]);
    }
    assert_false(ipaddr_parse(NULL, &a));
}

static struct ipnet_list *
list(const char *text)
{
    char err[200];
    struct ipnet_list *l = ipnet_list_parse(text, err, sizeof(err));
    if (!l)
        fail_msg("cannot parse list \"%s\": %s", text, err);
    return l;
}

static void
test_contains(void **state)
{
    (void)state;
    struct ipnet_list *l = list("10.0.0.0/8, 192.0.2.128/25 2001:db8::/32,::1\t172.16.0.1");
    struct ipaddr a;
    assert_true(ipnet_list_contains(l, (a = ip("10.0.0.0"), &a)));
    assert_true(ipnet_list_contains(l, (a = ip("10.255.255.255"), &a)));
    assert_false(ipnet_list_contains(l, (a = ip("11.0.0.0"), &a)));
    assert_false(ipnet_list_contains(l, (a = ip("9.255.255.255"), &a)));
    assert_true(ipnet_list_contains(l, (a = ip("192.0.2.128"), &a)));
    assert_true(ipnet_list_contains(l, (a = ip("192.0.2.255"), &a)));
    assert_false(ipnet_list_contains(l, (a = ip("192.0.2.127"), &a)));
    assert_true(ipnet_list_contains(l, (a = ip("2001:db8::"), &a)));
    assert_true(ipnet_list_contains(l, (a = ip("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"), &a)));
    assert_false(ipnet_list_contains(l, (a = ip("2001:db9::"), &a)));
    assert_false(ipnet_list_contains(l, (a = ip("2001:db7:ffff::"), &a)));
    assert_true(ipnet_list_contains(l, (a = ip("::1"), &a)));
    assert_false(ipnet_list_contains(l, (a = ip("::2"), &a)));
    assert_false(ipnet_list_contains(l, (a = ip("127.0.0.1"), &a))); /* ::1 is not 127.0.0.1 */
    assert_true(ipnet_list_contains(l, (a = ip("172.16.0.1"), &a)));
    assert_false(ipnet_list_contains(l, (a = ip("172.16.0.2"), &a)));
    /* v4 networks match IPv4-mapped addresses */
    assert_true(ipnet_list_contains(l, (a = ip("::ffff:10.9.8.7"), &a)));
    assert_false(ipnet_list_contains(l, (a = ip("::ffff:11.9.8.7"), &a)));
    assert_false(ipnet_allowed(l, (a = ip("8.8.8.8"), &a)));
    assert_true(ipnet_allowed(l, (a = ip("10.8.8.8"), &a)));
    assert_false(ipnet_list_empty(l));
    ipnet_list_free(l);

    /* /0 and full-length prefixes */
    l = list("0.0.0.0/0");
    assert_true(ipnet_list_contains(l, (a = ip("0.0.0.0"), &a)));
    assert_true(ipnet_list_contains(l, (a = ip("255.255.255.255"), &a)));
    assert_true(ipnet_list_contains(l, (a = ip("::ffff:1.2.3.4"), &a)));
    assert_false(ipnet_list_contains(l, (a = ip("2001:db8::1"), &a))); /* families stay apart */
    ipnet_list_free(l);
    l = list("::/0");
    assert_true(ipnet_list_contains(l, (a = ip("::"), &a)));
    assert_true(ipnet_list_contains(l, (a = ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), &a)));
    assert_false(ipnet_list_contains(l, (a = ip("1.2.3.4"), &a)));
    ipnet_list_free(l);
    l = list("192.0.2.7/32 2001:db8::7/128");
    assert_true(ipnet_list_contains(l, (a = ip("192.0.2.7"), &a)));
    assert_false(ipnet_list_contains(l, (a = ip("192.0.2.6"), &a)));
    assert_false(ipnet_list_contains(l, (a = ip("192.0.2.8"), &a)));
    assert_true(ipnet_list_contains(l, (a = ip("2001:db8::7"), &a)));
    assert_false(ipnet_list_contains(l, (a = ip("2001:db8::6"), &a)));
    assert_false(ipnet_list_contains(l, (a = ip("2001:db8::8"), &a)));
    ipnet_list_free(l);
    /* prefixes that do not fall on a byte boundary */
    l = list("192.0.2.64/27, 2001:db8:8000::/33");
    assert_true(ipnet_list_contains(l, (a = ip("192.0.2.95"), &a)));
    assert_false(ipnet_list_contains(l, (a = ip("192.0.2.96"), &a)));
    assert_false(ipnet_list_contains(l, (a = ip("192.0.2.63"), &a)));
    assert_true(ipnet_list_contains(l, (a = ip("2001:db8:ffff::"), &a)));
    assert_false(ipnet_list_contains(l, (a = ip("2001:db8:7fff::"), &a)));
    ipnet_list_free(l);
    /* a v4 network written in IPv4-mapped form */
    l = list("::ffff:10.0.0.0/104");
    assert_true(ipnet_list_contains(l, (a = ip("10.1.1.1"), &a)));
    assert_false(ipnet_list_contains(l, (a = ip("11.1.1.1"), &a)));
    ipnet_list_free(l);
    l = list("[::ffff:192.0.2.1]");
    assert_true(ipnet_list_contains(l, (a = ip("192.0.2.1"), &a)));
    ipnet_list_free(l);
}

static void
test_empty(void **state)
{
    (void)state;
    struct ipaddr a = ip("203.0.113.9");
    static const char *empties[] = { "", " ", " ,\t, \n", NULL };
    for (size_t i = 0; i < sizeof(empties) / sizeof(empties[0]); i++) {
        struct ipnet_list *l = ipnet_list_parse(empties[i], NULL, 0);
        assert_non_null(l);
        assert_true(ipnet_list_empty(l));
        assert_true(ipnet_allowed(l, &a));
        assert_false(ipnet_list_contains(l, &a));
        ipnet_list_free(l);
    }
    assert_true(ipnet_list_empty(NULL));
    assert_true(ipnet_allowed(NULL, &a));
    assert_false(ipnet_list_contains(NULL, &a));
    ipnet_list_free(NULL);
}

static void
test_malformed(void **state)
{
    (void)state;
    static const struct {
        const char *text, *entry;
    } bad[] = {
        { "10.0.0.0/8, 10.0.0.0/33", "10.0.0.0/33" },
        { "2001:db8::/129", "2001:db8::/129" },
        { "10.0.0.0/", "10.0.0.0/" },
        { "10.0.0.0/-1", "10.0.0.0/-1" },
        { "10.0.0.0/8a", "10.0.0.0/8a" },
        { "10.0.0.0/0008", "10.0.0.0/0008" },
        { "10.0.0.0/8/8", "10.0.0.0/8/8" },
        { "10.0.0.1/8", "10.0.0.1/8" }, /* host bits */
        { "192.0.2.1/31", "192.0.2.1/31" },
        { "2001:db8::1/64", "2001:db8::1/64" },
        { "2001:db9::/31", "2001:db9::/31" },
        { "::ffff:10.0.0.0/64", "::ffff:10.0.0.0/64" },
        { "1.2.3.4;5.6.7.8", "1.2.3.4;5.6.7.8" },
        { "::1 fe80::1%eth0", "fe80::1%eth0" },
        { "example.com", "example.com" },
        { "10.0.0.0 /8", "/8" },
        { "/8", "/8" },
        { "１０.0.0.0/8", "１０.0.0.0/8" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char err[256] = "unchanged";
        struct ipnet_list *l = ipnet_list_parse(bad[i].text, err, sizeof(err));
        if (l)
            fail_msg("accepted \"%s\"", bad[i].text);
        if (!strstr(err, bad[i].entry))
            fail_msg("message for \"%s\" does not name \"%s\": %s", bad[i].text, bad[i].entry, err);
    }
    char err[256];
    assert_null(ipnet_list_parse("10.0.0.1/8", err, sizeof(err)));
    assert_non_null(strstr(err, "host bits"));
    assert_null(ipnet_list_parse("10.0.0.0/33", err, sizeof(err)));
    assert_non_null(strstr(err, "range"));
    /* no message buffer, tiny buffer: no crash, still NUL-terminated */
    assert_null(ipnet_list_parse("nope", NULL, 0));
    char tiny[8];
    assert_null(ipnet_list_parse("nope", tiny, sizeof(tiny)));
    assert_true(strlen(tiny) < sizeof(tiny));
    /* an absurdly long entry is reported shortened */
    char longe[400];
    memset(longe, '1', sizeof(longe) - 1);
    longe[sizeof(longe) - 1] = '\0';
    assert_null(ipnet_list_parse(longe, err, sizeof(err)));
    assert_true(strlen(err) < 200);
}

static void
client(const struct ipnet_list *trusted, const char *peer, const char *xff, const char *want)
{
    struct ipaddr p = ip(peer), out;
    char got[46];
    ipnet_client(trusted, &p, xff, &out);
    ipaddr_format(&out, got);
    if (strcmp(got, want) != 0)
        fail_msg("peer %s xff \"%s\": got %s, want %s", peer, xff ? xff : "(null)", got, want);
}

static void
test_xff(void **state)
{
    (void)state;
    struct ipnet_list *t = list("10.0.0.0/8, 2001:db8:1::/48");
    /* an untrusted peer's header is ignored */
    client(t, "203.0.113.5", "198.51.100.1", "203.0.113.5");
    client(t, "203.0.113.5", NULL, "203.0.113.5");
    /* trusted peer without a header */
    client(t, "10.0.0.1", NULL, "10.0.0.1");
    client(t, "10.0.0.1", "", "10.0.0.1");
    client(t, "10.0.0.1", " , ", "10.0.0.1");
    /* one proxy */
    client(t, "10.0.0.1", "198.51.100.1", "198.51.100.1");
    /* client, proxy2 where proxy2 is trusted */
    client(t, "10.0.0.1", "198.51.100.1, 10.0.0.2", "198.51.100.1");
    client(t, "10.0.0.1", "198.51.100.1,10.0.0.2,10.0.0.3", "198.51.100.1");
    /* a spoofed leftmost entry does not win over the first untrusted hop */
    client(t, "10.0.0.1", "1.1.1.1, 198.51.100.1, 10.0.0.2", "198.51.100.1");
    /* all trusted: the leftmost */
    client(t, "10.0.0.1", "10.0.0.3, 10.0.0.2", "10.0.0.3");
    /* garbage stops the walk; the last good address wins */
    client(t, "10.0.0.1", "garbage", "10.0.0.1");
    client(t, "10.0.0.1", "198.51.100.1, garbage", "10.0.0.1");
    client(t, "10.0.0.1", "garbage, 10.0.0.2", "10.0.0.2");
    client(t, "10.0.0.1", "1.1.1.1, unknown, 10.0.0.2", "10.0.0.2");
    client(t, "10.0.0.1", "198.51.100.1, 10.0.0.2 10.0.0.3", "10.0.0.1");
    /* empty elements from joined headers are skipped */
    client(t, "10.0.0.1", "198.51.100.1,, 10.0.0.2,", "198.51.100.1");
    /* IPv6, brackets, ports added by some load balancers, mapped peers */
    client(t, "2001:db8:1::5", "2001:db8:2::7", "2001:db8:2::7");
    client(t, "::ffff:10.0.0.1", "198.51.100.1", "198.51.100.1");
    client(t, "10.0.0.1", "[2001:db8:2::7]:443, 10.0.0.2", "2001:db8:2::7");
    client(t, "10.0.0.1", "198.51.100.1:5678", "198.51.100.1");
    client(t, "10.0.0.1", "::ffff:198.51.100.1", "198.51.100.1");
    client(t, "10.0.0.1", "198.51.100.1:", "10.0.0.1");
    client(t, "10.0.0.1", "198.51.100.1:123456", "10.0.0.1");
    client(t, "10.0.0.1", "2001:db8::1:443x", "10.0.0.1");
    /* a huge header is walked without trouble */
    size_t big = 100000;
    char *h = malloc(big + 32);
    assert_non_null(h);
    size_t n = 0;
    while (n + 12 < big)
        n += (size_t)sprintf(h + n, "10.0.0.9, ");
    strcpy(h + n, "10.0.0.2");
    client(t, "10.0.0.1", h, "10.0.0.9");
    free(h);
    ipnet_list_free(t);
    /* no trusted proxies at all: the peer */
    client(NULL, "10.0.0.1", "198.51.100.1", "10.0.0.1");
    struct ipnet_list *e = list("");
    client(e, "10.0.0.1", "198.51.100.1", "10.0.0.1");
    ipnet_list_free(e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_format),
        cmocka_unit_test(test_contains),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_xff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
