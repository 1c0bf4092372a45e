/* In-process API tests of records/export.csv and records/export.xlsx: the encodings (UTF-8
 * with BOM, Shift_JIS compared with iconv's own output, the '?' count), RFC 4180 quoting,
 * subtable rows as lines, and permissions (the export right, a hidden field, a record the
 * caller may not view). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <iconv.h>

#include "api/harness.h"
#include "db/db.h"
#include "domain/audit.h"

#define PW "export-test-password-1"

static long app;

/* GET as user; "@" in target stands for the app id */
static const struct th_resp *
as(const char *user, const char *target)
{
    char t[1024];
    const char *at = strchr(target, '@');
    if (at)
        snprintf(t, sizeof(t), "%.*s%ld%s", (int)(at - target), target, app, at + 1);
    else
        snprintf(t, sizeof(t), "%s", target);
    const char *h[] = { th_auth_header(user, PW), NULL };
    return th_request("GET", t, NULL, h, 0);
}

static void
ok(const struct th_resp *r)
{
    if (r->status != 200)
        th_dump();
    assert_int_equal(r->status, 200);
}

/* memmem over the response body, counted */
static int
count(const struct th_resp *r, const char *needle, size_t n)
{
    int k = 0;
    for (const char *p = r->body, *end = r->body + r->len; p + n <= end; p++)
        if (memcmp(p, needle, n) == 0)
            k++;
    return k;
}
#define HAS(r, s) (count((r), (s), strlen(s)) > 0)

static void
add(const char *json)
{
    char buf[2048];
    snprintf(buf, sizeof(buf), "{\"app\":%ld,\"record\":%s}", app, json);
    const struct th_resp *r = th_request("POST", "/k/v1/record.json", buf, NULL, 1);
    ok(r);
}

static int
setup(void **state)
{
    th_setup(state);
    th_user("clerk", PW, 0);
    th_user("viewer", PW, 0);
    th_user("boss", PW, 0);
    app = th_app("{\"件名\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"件名\",\"label\":\"件名\"},"
                 "\"区分\":{\"type\":\"DROP_DOWN\",\"code\":\"区分\",\"label\":\"区分\",\"options\":{"
                 "\"一般\":{\"label\":\"一般\",\"index\":\"0\"},\"秘\":{\"label\":\"秘\",\"index\":\"1\"}}},"
                 "\"備考\":{\"type\":\"MULTI_LINE_TEXT\",\"code\":\"備考\",\"label\":\"備考\"},"
                 "\"個人番号\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"個人番号\",\"label\":\"個人番号\"},"
                 "\"明細\":{\"type\":\"SUBTABLE\",\"code\":\"明細\",\"fields\":{"
                 "\"品名\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"品名\",\"label\":\"品名\"},"
                 "\"数量\":{\"type\":\"NUMBER\",\"code\":\"数量\",\"label\":\"数量\"}}}}");
    add("{\"件名\":{\"value\":\"東京都世田谷区\"},\"区分\":{\"value\":\"一般\"},"
        "\"備考\":{\"value\":\"He said \\\"hi\\\", then\\nleft\"},\"個人番号\":{\"value\":\"123456789012\"},"
        "\"明細\":{\"value\":[{\"value\":{\"品名\":{\"value\":\"りんご\"},\"数量\":{\"value\":\"3\"}}},"
        "{\"value\":{\"品名\":{\"value\":\"みかん\"},\"数量\":{\"value\":\"5\"}}}]}}");
    add("{\"件名\":{\"value\":\"秘密の件\"},\"区分\":{\"value\":\"秘\"}}");
    add("{\"件名\":{\"value\":\"髙橋😀\"},\"区分\":{\"value\":\"一般\"}}");
    const struct th_resp *r = th_sendq(
        "PUT", "/k/v1/preview/app/acl.json",
        "{'app':%ld,'rights':["
        "{'entity':{'type':'USER','code':'clerk'},'recordViewable':true,'recordExportable':true},"
        "{'entity':{'type':'USER','code':'boss'},'recordViewable':true,'recordExportable':true},"
        "{'entity':{'type':'USER','code':'viewer'},'recordViewable':true,'recordExportable':false}]}",
        app);
    ok(r);
    r = th_sendq("PUT", "/k/v1/preview/record/acl.json",
                 "{'app':%ld,'rights':["
                 "{'filterCond':'区分 in (\\'秘\\')','entities':["
                 "{'entity':{'type':'USER','code':'boss'},'viewable':true,'editable':true,'deletable':true}]},"
                 "{'filterCond':'','entities':["
                 "{'entity':{'type':'USER','code':'clerk'},'viewable':true,'editable':true,'deletable':true},"
                 "{'entity':{'type':'USER','code':'boss'},'viewable':true,'editable':true,'deletable':true}]}]}",
                 app);
    ok(r);
    r = th_sendq("PUT", "/k/v1/preview/field/acl.json",
                 "{'app':%ld,'rights':[{'code':'個人番号','entities':["
                 "{'accessibility':'WRITE','entity':{'type':'USER','code':'boss'}}]}]}",
                 app);
    ok(r);
    r = th_send("POST", "/k/v1/preview/app/deploy.json", "{\"apps\":[{\"app\":%ld}]}", app);
    ok(r);
    return 0;
}

static void
test_csv_utf8(void **state)
{
    (void)state;
    char t[256];
    snprintf(t, sizeof(t), "/k/v1/records/export.csv?app=%ld&query=%s", app,
             "order%20by%20%24id%20asc");
    const struct th_resp *r = as("clerk", t);
    ok(r);
    assert_true(r->len > 3 && memcmp(r->body, "\xEF\xBB\xBF", 3) == 0);
    assert_non_null(strstr(r->content_type, "text/csv"));
    const char *cd = th_resp_header("Content-Disposition");
    assert_non_null(cd);
    assert_non_null(strstr(cd, "attachment"));
    assert_non_null(strstr(cd, ".csv"));
    /* header row of labels: record number first, the hidden field absent */
    assert_true(HAS(r, "\"件名\""));
    assert_true(HAS(r, "\"品名\",\"数量\""));
    assert_false(HAS(r, "個人番号"));
    assert_false(HAS(r, "123456789012"));
    /* the record clerk may not view */
    assert_false(HAS(r, "秘密の件"));
    /* quotes doubled, newline and comma inside the quotes, CRLF line ends */
    assert_true(HAS(r, "\"He said \"\"hi\"\", then\nleft\""));
    assert_true(HAS(r, "\r\n"));
    /* one line per subtable row, the record's own fields repeated */
    assert_int_equal(count(r, "東京都世田谷区", strlen("東京都世田谷区")), 2);
    assert_true(HAS(r, "\"りんご\",\"3\""));
    assert_true(HAS(r, "\"みかん\",\"5\""));
    /* header + 2 lines + 1 line */
    assert_int_equal(count(r, "\r\n", 2), 4);
}

static void
test_csv_fields_and_query(void **state)
{
    (void)state;
    /* fields[] picks columns (a hidden one is silently dropped); like is 全角/半角-insensitive */
    const struct th_resp *r = as("clerk", "/k/v1/records/export.csv?app=@&fields[0]=%E4%BB%B6%E5%90%8D"
                                          "&fields[1]=%E5%80%8B%E4%BA%BA%E7%95%AA%E5%8F%B7"
                                          "&query=%E4%BB%B6%E5%90%8D%20like%20%22%E4%B8%96%E7%94%B0%E8%B0%B7%22");
    ok(r);
    static const char want[] = "\xEF\xBB\xBF\"件名\"\r\n\"東京都世田谷区\"\r\n";
    assert_int_equal(r->len, sizeof(want) - 1);
    assert_memory_equal(r->body, want, sizeof(want) - 1);
    /* boss sees the hidden field and the secret record */
    r = as("boss", "/k/v1/records/export.csv?app=@&fields[0]=%E5%80%8B%E4%BA%BA%E7%95%AA%E5%8F%B7"
                   "&fields[1]=%E4%BB%B6%E5%90%8D");
    ok(r);
    assert_true(HAS(r, "\"個人番号\",\"件名\""));
    assert_true(HAS(r, "\"123456789012\",\"東京都世田谷区\""));
    assert_true(HAS(r, "秘密の件"));
}

static size_t
sjis(const char *in, char *out, size_t cap)
{
    iconv_t cd = iconv_open("CP932", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    char *src = (char *)in, *dst = out;
    size_t left = strlen(in), room = cap;
    assert_true(iconv(cd, &src, &left, &dst, &room) != (size_t)-1);
    iconv_close(cd);
    return cap - room;
}

static void
test_csv_shift_jis(void **state)
{
    (void)state;
    const struct th_resp *r = as("clerk", "/k/v1/records/export.csv?app=@&encoding=shift_jis");
    ok(r);
    assert_false(r->len >= 3 && memcmp(r->body, "\xEF\xBB\xBF", 3) == 0);
    assert_non_null(strstr(r->content_type, "Shift_JIS"));
    char buf[64];
    size_t n = sjis("\"東京都世田谷区\"", buf, sizeof(buf));
    assert_true(count(r, buf, n) == 2);
    n = sjis("\"髙橋?\"", buf, sizeof(buf)); /* 髙 is CP932 (IBM extension); the emoji is not */
    assert_true(count(r, buf, n) == 1);
    const char *rep = th_resp_header("X-Madoguchi-Replaced");
    assert_non_null(rep);
    assert_string_equal(rep, "1");
    r = as("clerk", "/k/v1/records/export.csv?app=@&encoding=euc-jp");
    TH_EXPECT_STATUS(400);
    TH_EXPECT_KEY("encoding");
}

static void
test_xlsx(void **state)
{
    (void)state;
    const struct th_resp *r = as("clerk", "/k/v1/records/export.xlsx?app=@");
    ok(r);
    assert_true(r->len > 100 && memcmp(r->body, "PK", 2) == 0);
    assert_true(HAS(r, "xl/worksheets/sheet1.xml"));
    assert_non_null(strstr(r->content_type, "spreadsheetml"));
    assert_non_null(strstr(th_resp_header("Content-Disposition"), ".xlsx"));
}

/* every export is in the audit log under record.export, with its caller */
static void
test_audited(void **state)
{
    (void)state;
    ok(as("clerk", "/k/v1/records/export.xlsx?app=@"));
    assert_int_equal(audit_flush(th_db()), ERR_OK);
    int64_t n = -1;
    bool found;
    assert_int_equal(db_query_int(th_db(),
                                  "SELECT COUNT(*) FROM audit_log WHERE action = 'record.export' "
                                  "AND actor = 'clerk'",
                                  NULL, 0, &n, &found),
                     DB_OK);
    assert_true(n >= 4);
}

static void
test_rights(void **state)
{
    (void)state;
    /* viewing is not enough: kintone's 「ファイルに書き出す」 */
    const struct th_resp *r = as("viewer", "/k/v1/records/export.csv?app=@");
    TH_EXPECT_ERROR(403, "CB_NO02");
    r = as("viewer", "/k/v1/records.json?app=@");
    ok(r);
    r = as("clerk", "/k/v1/records/export.csv?app=999");
    assert_true(r->status == 404 || r->status == 403);
    r = as("clerk", "/k/v1/records/export.csv?app=@&query=%E7%84%A1%E3%81%84%20%3D%20%221%22");
    TH_EXPECT_STATUS(400);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_utf8),      cmocka_unit_test(test_csv_fields_and_query),
        cmocka_unit_test(test_csv_shift_jis), cmocka_unit_test(test_xlsx),
        cmocka_unit_test(test_audited),       cmocka_unit_test(test_rights),
    };
    return cmocka_run_group_tests_name(th_backend(), tests, setup, th_teardown);
}
