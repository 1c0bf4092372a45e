/* Unit tests of the 町丁目 master the Setagaya pack ships (packs/setagaya/reference/chocho.json)
 * and what the installer makes of it (src/domain/pack.c): the counts of the reference (5 地域,
 * 61 町, 277 町丁), the exceptions (池尻四丁目: 世田谷 first, to be checked; 駒沢: 一・二丁目
 * 世田谷, 三〜五丁目 玉川), the choice tree, the routing map as routing.c reads it, and the
 * "optionsFrom" replacement. Run from the repository root (as make does). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/pack.h"
#include "domain/routing.h"

static json_t *chocho;

static int
setup(void **state)
{
    (void)state;
    json_error_t err;
    chocho = json_load_file("packs/setagaya/reference/chocho.json", 0, &err);
    if (!chocho)
        fprintf(stderr, "chocho.json: %s (line %d)\n", err.text, err.line);
    return chocho ? 0 : -1;
}

static int
teardown(void **state)
{
    (void)state;
    json_decref(chocho);
    return 0;
}

static void
test_counts(void **state)
{
    (void)state;
    struct pack_counts n;
    const char *why = NULL;
    assert_true(pack_chocho_check(chocho, &n, &why));
    assert_int_equal(n.regions, 5);
    assert_int_equal(n.towns, 61);
    assert_int_equal(n.chome, 277);
    json_t *bad = json_pack("{s:[{s:s,s:s,s:[{s:s,s:[]}]}]}", "regions", "name", "x", "office",
                            "o", "towns", "name", "t", "chome");
    assert_false(pack_chocho_check(bad, &n, &why));
    assert_non_null(strstr(why, "chome"));
    json_decref(bad);
}

static void
test_tree(void **state)
{
    (void)state;
    json_t *tree = pack_chocho_tree(chocho);
    assert_int_equal(json_object_size(tree), 5);
    json_t *ikejiri = json_object_get(json_object_get(tree, "世田谷"), "池尻");
    assert_int_equal(json_array_size(ikejiri), 4);
    assert_string_equal(json_string_value(json_array_get(ikejiri, 3)), "四丁目");
    assert_int_equal(json_array_size(json_object_get(json_object_get(tree, "世田谷"), "駒沢")), 2);
    json_t *komazawa = json_object_get(json_object_get(tree, "玉川"), "駒沢");
    assert_string_equal(json_string_value(json_array_get(komazawa, 0)), "三丁目");
    assert_int_equal(json_object_size(json_object_get(tree, "烏山")), 7);
    json_decref(tree);
}

/* Routes a site through an app setting built the way the installer builds it. */
static const char *
route(const json_t *routing, const char *a, const char *b, const char *c, bool *check)
{
    json_t *site = json_array();
    if (a)
        json_array_append_new(site, json_string(a));
    if (b)
        json_array_append_new(site, json_string(b));
    if (c)
        json_array_append_new(site, json_string(c));
    const char *office = routing_lookup(routing, site, check);
    json_decref(site);
    return office;
}

static void
test_routing(void **state)
{
    (void)state;
    json_t *map, *check;
    pack_chocho_routing(chocho, &map, &check);
    json_t *routing = json_pack("{s:o,s:o}", "map", map, "check", check);
    bool unsure;
    assert_string_equal(route(routing, "北沢", "代沢", "一丁目", &unsure), "kitazawa-machi");
    assert_false(unsure);
    assert_string_equal(route(routing, "世田谷", "池尻", "四丁目", &unsure), "setagaya-machi");
    assert_true(unsure);
    assert_string_equal(route(routing, "世田谷", "池尻", "一丁目", &unsure), "setagaya-machi");
    assert_false(unsure);
    assert_string_equal(route(routing, "玉川", "駒沢", "三丁目", &unsure), "tamagawa-machi");
    assert_true(unsure); /* the 駒沢 boundary is estimated */
    assert_string_equal(route(routing, "砧", "砧公園", "(丁目なし)", &unsure), "kinuta-machi");
    assert_false(unsure);
    /* two site fields (町名, 丁目) and one (町名丁目) */
    assert_string_equal(route(routing, "駒沢", "五丁目", NULL, &unsure), "tamagawa-machi");
    assert_string_equal(route(routing, "駒沢", NULL, NULL, &unsure), "setagaya-machi");
    assert_true(unsure); /* 駒沢 alone: two regions */
    assert_string_equal(route(routing, "北烏山九丁目", NULL, NULL, &unsure), "karasuyama-machi");
    assert_false(unsure);
    assert_null(route(routing, "横浜", "中区", NULL, &unsure));
    assert_true(unsure);
    json_decref(routing);
}

static void
test_options_from(void **state)
{
    (void)state;
    json_t *tree = pack_chocho_tree(chocho);
    json_t *form = json_loads("{\"fields\":[{\"code\":\"地域\",\"rules\":{\"optionsFrom\":\"chocho\"}},"
                              "{\"code\":\"町名\",\"rules\":{\"optionsFrom\":\"chocho\",\"parent\":\"地域\"}},"
                              "{\"code\":\"x\",\"rules\":{\"optionsFrom\":\"other\"}}]}",
                              0, NULL);
    const char *unknown = NULL;
    assert_int_equal(pack_options_from(form, "chocho", tree, &unknown), 2);
    assert_string_equal(unknown, "other");
    json_t *rules = json_object_get(json_array_get(json_object_get(form, "fields"), 1), "rules");
    assert_null(json_object_get(rules, "optionsFrom"));
    assert_true(json_equal(json_object_get(rules, "optionsTree"), tree));
    assert_string_equal(json_string_value(json_object_get(rules, "parent")), "地域");
    json_decref(form);
    json_decref(tree);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_tree),
        cmocka_unit_test(test_routing),
        cmocka_unit_test(test_options_from),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
