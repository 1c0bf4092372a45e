/* In-process API tests of record history (record/history.json, record/asof.json,
 * record/revert.json): revisions with field-by-field diffs (a subtable row change, a file),
 * paging, comments in the timeline, the record as of a revision or a time, revert (stale
 * revision, missing rights, a hidden field that differs, a unique value taken since, a deleted
 * record), field permissions (a hidden field never appears), records the caller may not view
 * or that are deleted, and values of a field deleted from the app since. Time is pinned
 * (clock_set_fake_ms) and moved with th_clock_advance, so revisions have known times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/harness.h"
#include "core/clock.h"
#include "db/db.h"

#define PW "history-test-password-1"
#define BOUNDARY "----historyBoundary"
#define T0 1775001600LL /* 2026-04-01T00:00:00Z */

static long app, rec_a;

/* th_sendq-style body (single quotes become double quotes) sent as `user`. */
static const char *
pw_of(const char *user)
{
    return strcmp(user, TH_USER) == 0 ? TH_PASSWORD : PW;
}

static const struct th_resp *
as(const char *user, const char *method, const char *target, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static const struct th_resp *
as(const char *user, const char *method, const char *target, const char *fmt, ...)
{
    char body[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof(body), fmt, ap);
    va_end(ap);
    for (char *p = body; *p; p++)
        if (*p == '\'')
            *p = '"';
    const char *h[] = { th_auth_header(user, pw_of(user)), NULL };
    return th_request(method, target, *body ? body : NULL, h, 0);
}

static const struct th_resp *
get_as(const char *user, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const struct th_resp *
get_as(const char *user, const char *fmt, ...)
{
    char target[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(target, sizeof(target), fmt, ap);
    va_end(ap);
    const char *h[] = { th_auth_header(user, pw_of(user)), NULL };
    return th_request("GET", target, NULL, h, 0);
}

static void
expect_ok(const struct th_resp *r)
{
    if (r->status != 200)
        th_dump();
    assert_int_equal(r->status, 200);
}

static void
deploy(long id)
{
    expect_ok(th_send("POST", "/k/v1/preview/app/deploy.json", "{\"apps\":[{\"app\":%ld}]}", id));
}

static long
app_from(const char *fields)
{
    char buf[4096];
    snprintf(buf, sizeof(buf), "%s", fields);
    for (char *p = buf; *p; p++)
        if (*p == '\'')
            *p = '"';
    return th_app(buf);
}

static const char *
upload(const char *name)
{
    static char key[128];
    char body[1024];
    int n = snprintf(body, sizeof(body),
                     "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                     "Content-Type: text/plain\r\n\r\n添付の中身\r\n--%s--\r\n",
                     BOUNDARY, name, BOUNDARY);
    const char *h[] = { "Content-Type: multipart/form-data; boundary=" BOUNDARY, NULL };
    const struct th_resp *r = th_request_n("POST", "/k/v1/file.json", body, (size_t)n, h, 1);
    expect_ok(r);
    snprintf(key, sizeof(key), "%s", th_str(r->json, "fileKey"));
    return key;
}

static long
create(const char *user, long in_app, const char *record_json)
{
    const struct th_resp *r =
        as(user, "POST", "/k/v1/record.json", "{'app':%ld,'record':%s}", in_app, record_json);
    expect_ok(r);
    return strtol(th_str(r->json, "id"), NULL, 10);
}

static void
update(const char *user, long in_app, long id, const char *record_json)
{
    expect_ok(as(user, "PUT", "/k/v1/record.json", "{'app':%ld,'id':%ld,'record':%s}", in_app, id,
                 record_json));
}

/* The change of `field` in a changes array, or NULL. */
static json_t *
change_of(json_t *changes, const char *field)
{
    size_t i;
    json_t *ch;
    json_array_foreach(changes, i, ch)
    {
        const char *f = json_string_value(json_object_get(ch, "field"));
        if (f && strcmp(f, field) == 0)
            return ch;
    }
    return NULL;
}

static const char *
revision_of(long in_app, long id)
{
    static char rev[32];
    const struct th_resp *r = th_getf("/k/v1/record.json?app=%ld&id=%ld", in_app, id);
    expect_ok(r);
    snprintf(rev, sizeof(rev), "%s", th_str(r->json, "record.$revision.value"));
    return rev;
}

/* App: 件名 (unique), 金額, 区分 (秘 = only tanto and the creator may see the record), 添付,
 * 明細 (table), 秘密メモ (only the administrator may see it). Users: tanto may edit,
 * etsuran may only view. Record A: created, then two updates a minute apart with a comment
 * between them. */
static int
setup(void **state)
{
    th_setup(state);
    clock_set_fake_ms(T0 * 1000);
    th_user("tanto", PW, 0);
    th_user("etsuran", PW, 0);
    app = app_from("{'件名':{'type':'SINGLE_LINE_TEXT','code':'件名','label':'件名','unique':true},"
                   "'金額':{'type':'NUMBER','code':'金額','label':'金額'},"
                   "'区分':{'type':'DROP_DOWN','code':'区分','label':'区分','options':{"
                   "'一般':{'label':'一般','index':'0'},'秘':{'label':'秘','index':'1'}}},"
                   "'添付':{'type':'FILE','code':'添付','label':'添付'},"
                   "'明細':{'type':'SUBTABLE','code':'明細','fields':{"
                   "'品名':{'type':'SINGLE_LINE_TEXT','code':'品名','label':'品名'},"
                   "'数量':{'type':'NUMBER','code':'数量','label':'数量'}}},"
                   "'秘密メモ':{'type':'SINGLE_LINE_TEXT','code':'秘密メモ','label':'秘密メモ'}}");
    expect_ok(th_sendq("PUT", "/k/v1/preview/app/acl.json",
                       "{'app':%ld,'rights':["
                       "{'entity':{'type':'CREATOR'},'appEditable':true,'recordViewable':true,"
                       "'recordAddable':true,'recordEditable':true,'recordDeletable':true},"
                       "{'entity':{'type':'USER','code':'tanto'},'recordViewable':true,"
                       "'recordAddable':true,'recordEditable':true},"
                       "{'entity':{'type':'USER','code':'etsuran'},'recordViewable':true}]}",
                       app));
    expect_ok(th_sendq("PUT", "/k/v1/preview/record/acl.json",
                       "{'app':%ld,'rights':["
                       "{'filterCond':'区分 in (\\'秘\\')','entities':["
                       "{'entity':{'type':'USER','code':'tanto'},'viewable':true,'editable':true,"
                       "'deletable':false},"
                       "{'entity':{'type':'USER','code':'admin'},'viewable':true,'editable':true,"
                       "'deletable':true}]}]}",
                       app));
    expect_ok(th_sendq("PUT", "/k/v1/preview/field/acl.json",
                       "{'app':%ld,'rights':[{'code':'秘密メモ','entities':["
                       "{'accessibility':'WRITE','entity':{'type':'USER','code':'admin'}}]}]}",
                       app));
    deploy(app);

    rec_a = create(TH_USER, app,
                   "{'件名':{'value':'申請A'},'金額':{'value':'100'},'区分':{'value':'一般'},"
                   "'明細':{'value':[{'value':{'品名':{'value':'机'},'数量':{'value':'1'}}},"
                   "{'value':{'品名':{'value':'椅子'},'数量':{'value':'2'}}}]},"
                   "'秘密メモ':{'value':'極秘その一'}}");
    const struct th_resp *r = th_getf("/k/v1/record.json?app=%ld&id=%ld", app, rec_a);
    char row1[32];
    snprintf(row1, sizeof(row1), "%s", th_str(r->json, "record.明細.value.0.id"));
    th_clock_advance(60);
    char rec[1024];
    snprintf(rec, sizeof(rec),
             "{'件名':{'value':'申請A改'},'添付':{'value':[{'fileKey':'%s'}]},"
             "'明細':{'value':[{'id':'%s','value':{'品名':{'value':'机'},'数量':{'value':'3'}}},"
             "{'value':{'品名':{'value':'棚'},'数量':{'value':'1'}}}]},"
             "'秘密メモ':{'value':'極秘その二'}}",
             upload("申請書.txt"), row1);
    update(TH_USER, app, rec_a, rec);
    th_clock_advance(60);
    expect_ok(th_sendq("POST", "/k/v1/record/comment.json",
                       "{'app':%ld,'record':%ld,'comment':{'text':'確認しました'}}", app, rec_a));
    th_clock_advance(60);
    update(TH_USER, app, rec_a, "{'金額':{'value':'250'}}");
    th_clock_advance(60);
    return 0;
}

static int
teardown(void **state)
{
    clock_set_fake_ms(0);
    return th_teardown(state);
}

static void
test_history_diffs(void **state)
{
    (void)state;
    const struct th_resp *r =
        th_getf("/k/v1/record/history.json?app=%ld&id=%ld&order=asc", app, rec_a);
    expect_ok(r);
    assert_string_equal(th_str(r->json, "total"), "3");
    assert_int_equal(th_count(r->json, "history"), 3);
    json_t *h = th_at(r->json, "history");

    /* 1: create — every field with a value, before null */
    assert_string_equal(th_str(h, "0.revision"), "1");
    assert_string_equal(th_str(h, "0.action"), "create");
    assert_string_equal(th_str(h, "0.at"), "2026-04-01T00:00:00Z");
    assert_string_equal(th_str(h, "0.actor.code"), TH_USER);
    json_t *ch = change_of(th_at(h, "0.changes"), "件名");
    assert_non_null(ch);
    assert_true(json_is_null(json_object_get(ch, "before")));
    assert_string_equal(th_str(ch, "after"), "申請A");
    assert_string_equal(th_str(ch, "type"), "SINGLE_LINE_TEXT");
    assert_string_equal(th_str(ch, "label"), "件名");
    ch = change_of(th_at(h, "0.changes"), "明細");
    assert_non_null(ch);
    assert_int_equal(th_count(ch, "rows.added"), 2);
    assert_null(change_of(th_at(h, "0.changes"), "添付")); /* empty: not a change */

    /* 2: title, a table row changed, one removed, one added, a file attached */
    assert_string_equal(th_str(h, "1.action"), "update");
    assert_string_equal(th_str(h, "1.at"), "2026-04-01T00:01:00Z");
    json_t *c2 = th_at(h, "1.changes");
    ch = change_of(c2, "件名");
    assert_non_null(ch);
    assert_string_equal(th_str(ch, "before"), "申請A");
    assert_string_equal(th_str(ch, "after"), "申請A改");
    ch = change_of(c2, "明細");
    assert_non_null(ch);
    assert_string_equal(th_str(ch, "type"), "SUBTABLE");
    assert_int_equal(th_count(ch, "rows.added"), 1);
    assert_string_equal(th_str(ch, "rows.added.0.value.品名.value"), "棚");
    assert_int_equal(th_count(ch, "rows.removed"), 1);
    assert_string_equal(th_str(ch, "rows.removed.0.value.品名.value"), "椅子");
    assert_int_equal(th_count(ch, "rows.changed"), 1);
    assert_int_equal(th_count(ch, "rows.changed.0.changes"), 1);
    assert_string_equal(th_str(ch, "rows.changed.0.changes.0.field"), "数量");
    assert_string_equal(th_str(ch, "rows.changed.0.changes.0.before"), "1");
    assert_string_equal(th_str(ch, "rows.changed.0.changes.0.after"), "3");
    ch = change_of(c2, "添付");
    assert_non_null(ch);
    assert_string_equal(th_str(ch, "type"), "FILE");
    assert_string_equal(th_str(ch, "files.added.0"), "申請書.txt");
    assert_int_equal(th_count(ch, "files.removed"), 0);
    assert_string_equal(th_str(ch, "after.0.name"), "申請書.txt");
    assert_null(change_of(c2, "金額"));
    ch = change_of(c2, "秘密メモ"); /* the administrator may see it */
    assert_non_null(ch);
    assert_string_equal(th_str(ch, "after"), "極秘その二");

    /* 3: only the amount */
    assert_int_equal(th_count(h, "2.changes"), 1);
    assert_string_equal(th_str(h, "2.changes.0.field"), "金額");
    assert_string_equal(th_str(h, "2.changes.0.before"), "100");
    assert_string_equal(th_str(h, "2.changes.0.after"), "250");
    assert_null(th_at(h, "2.status")); /* no process management: no status change */
    assert_null(r->json ? json_object_get(r->json, "timeline") : NULL);

    /* newest first by default */
    r = th_getf("/k/v1/record/history.json?app=%ld&id=%ld", app, rec_a);
    expect_ok(r);
    assert_string_equal(th_str(r->json, "history.0.revision"), "3");
    assert_string_equal(th_str(r->json, "history.2.revision"), "1");
}

static void
test_paging_and_timeline(void **state)
{
    (void)state;
    const struct th_resp *r =
        th_getf("/k/v1/record/history.json?app=%ld&id=%ld&order=asc&comments=true", app, rec_a);
    expect_ok(r);
    assert_int_equal(th_count(r->json, "timeline"), 4);
    assert_string_equal(th_str(r->json, "timeline.0.kind"), "revision");
    assert_string_equal(th_str(r->json, "timeline.1.kind"), "revision");
    assert_string_equal(th_str(r->json, "timeline.1.revision"), "2");
    assert_string_equal(th_str(r->json, "timeline.2.kind"), "comment");
    assert_string_equal(th_str(r->json, "timeline.2.text"), "確認しました");
    assert_string_equal(th_str(r->json, "timeline.2.at"), "2026-04-01T00:02:00Z");
    assert_string_equal(th_str(r->json, "timeline.2.creator.code"), TH_USER);
    assert_string_equal(th_str(r->json, "timeline.3.revision"), "3");
    assert_int_equal(th_count(r->json, "comments"), 1);

    /* a page in the middle is still diffed against the revision before it, and carries the
     * comments written while its revisions were current */
    r = th_getf("/k/v1/record/history.json?app=%ld&id=%ld&limit=1&offset=1&comments=true", app,
                rec_a);
    expect_ok(r);
    assert_int_equal(th_count(r->json, "history"), 1);
    assert_string_equal(th_str(r->json, "history.0.revision"), "2");
    assert_non_null(change_of(th_at(r->json, "history.0.changes"), "件名"));
    assert_string_equal(th_str(r->json, "history.0.changes.0.before"), "申請A");
    assert_int_equal(th_count(r->json, "timeline"), 2);
    assert_string_equal(th_str(r->json, "timeline.0.kind"), "comment"); /* newest first */
    assert_string_equal(th_str(r->json, "timeline.1.kind"), "revision");
    r = th_getf("/k/v1/record/history.json?app=%ld&id=%ld&limit=1&offset=0&comments=true", app,
                rec_a);
    expect_ok(r);
    assert_string_equal(th_str(r->json, "history.0.revision"), "3");
    assert_int_equal(th_count(r->json, "comments"), 0);
    r = th_getf("/k/v1/record/history.json?app=%ld&id=%ld&limit=1&offset=2&order=asc", app, rec_a);
    expect_ok(r);
    assert_string_equal(th_str(r->json, "history.0.revision"), "3");
    assert_int_equal(th_count(r->json, "history.0.changes"), 1);
    r = th_getf("/k/v1/record/history.json?app=%ld&id=%ld&offset=9", app, rec_a);
    expect_ok(r);
    assert_int_equal(th_count(r->json, "history"), 0);
    assert_string_equal(th_str(r->json, "total"), "3");

    th_getf("/k/v1/record/history.json?app=%ld&id=%ld&limit=101", app, rec_a);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("limit");
    th_getf("/k/v1/record/history.json?app=%ld&id=%ld&order=up", app, rec_a);
    TH_EXPECT_ERROR(400, "CB_VA01");
    th_getf("/k/v1/record/history.json?app=%ld&id=99999", app);
    TH_EXPECT_ERROR(404, "GAIA_RE01");
}

static void
test_asof(void **state)
{
    (void)state;
    const struct th_resp *r =
        th_getf("/k/v1/record/asof.json?app=%ld&id=%ld&revision=1", app, rec_a);
    expect_ok(r);
    assert_string_equal(th_str(r->json, "revision"), "1");
    assert_string_equal(th_str(r->json, "action"), "create");
    assert_string_equal(th_str(r->json, "record.件名.value"), "申請A");
    assert_string_equal(th_str(r->json, "record.金額.value"), "100");
    assert_string_equal(th_str(r->json, "record.$revision.value"), "1");
    assert_int_equal(th_count(r->json, "record.明細.value"), 2);
    assert_int_equal(th_count(r->json, "record.添付.value"), 0);

    /* by time: the last revision at or before it */
    r = th_getf("/k/v1/record/asof.json?app=%ld&id=%ld&at=2026-04-01T00:02:30Z", app, rec_a);
    expect_ok(r);
    assert_string_equal(th_str(r->json, "revision"), "2");
    assert_string_equal(th_str(r->json, "at"), "2026-04-01T00:01:00Z");
    assert_string_equal(th_str(r->json, "record.件名.value"), "申請A改");
    assert_string_equal(th_str(r->json, "record.金額.value"), "100");
    r = th_getf("/k/v1/record/asof.json?app=%ld&id=%ld&at=2026-04-01T09:01:00%%2B09:00", app,
                rec_a);
    expect_ok(r);
    assert_string_equal(th_str(r->json, "revision"), "2");
    th_getf("/k/v1/record/asof.json?app=%ld&id=%ld&at=2026-03-31T23:59:59Z", app, rec_a);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("at");
    th_getf("/k/v1/record/asof.json?app=%ld&id=%ld&revision=9", app, rec_a);
    TH_EXPECT_KEY("revision");
    th_getf("/k/v1/record/asof.json?app=%ld&id=%ld", app, rec_a);
    TH_EXPECT_ERROR(400, "CB_VA01");
    th_getf("/k/v1/record/asof.json?app=%ld&id=%ld&at=yesterday", app, rec_a);
    TH_EXPECT_KEY("at");
}

/* 秘密メモ is hidden from tanto: not in any diff, detail or as-of record, not even its name. */
static void
test_hidden_field(void **state)
{
    (void)state;
    const struct th_resp *r =
        get_as("tanto", "/k/v1/record/history.json?app=%ld&id=%ld&comments=true", app, rec_a);
    expect_ok(r);
    assert_int_equal(th_count(r->json, "history"), 3);
    assert_null(strstr(r->body, "秘密メモ"));
    assert_null(strstr(r->body, "極秘"));
    assert_non_null(strstr(r->body, "申請A改"));
    r = get_as("etsuran", "/k/v1/record/asof.json?app=%ld&id=%ld&revision=2", app, rec_a);
    expect_ok(r);
    assert_null(strstr(r->body, "秘密メモ"));
    assert_null(strstr(r->body, "極秘"));
    assert_string_equal(th_str(r->json, "record.件名.value"), "申請A改");
}

/* A record the caller may not view answers as if it did not exist. */
static void
test_not_viewable(void **state)
{
    (void)state;
    long s = create(TH_USER, app, "{'件名':{'value':'秘の申請'},'区分':{'value':'秘'}}");
    get_as("etsuran", "/k/v1/record/history.json?app=%ld&id=%ld", app, s);
    TH_EXPECT_ERROR(404, "GAIA_RE01");
    get_as("etsuran", "/k/v1/record/asof.json?app=%ld&id=%ld&revision=1", app, s);
    TH_EXPECT_ERROR(404, "GAIA_RE01");
    expect_ok(get_as("tanto", "/k/v1/record/history.json?app=%ld&id=%ld", app, s));
    const struct th_resp *r = get_as("etsuran", "/k/v1/record/history.json?app=%ld&id=%ld", app,
                                     rec_a);
    expect_ok(r);
}

static void
test_revert(void **state)
{
    (void)state;
    th_sendq("POST", "/k/v1/record/revert.json",
             "{'app':%ld,'id':%ld,'revision':1,'expectedRevision':2}", app, rec_a);
    TH_EXPECT_ERROR(409, "GAIA_CO02");
    assert_string_equal(revision_of(app, rec_a), "3");
    /* view-only user */
    as("etsuran", "POST", "/k/v1/record/revert.json", "{'app':%ld,'id':%ld,'revision':1}", app,
       rec_a);
    TH_EXPECT_ERROR(403, "CB_NO02");
    /* tanto may edit the record but not 秘密メモ, which differs at revision 1 */
    const struct th_resp *r = as("tanto", "POST", "/k/v1/record/revert.json",
                                 "{'app':%ld,'id':%ld,'revision':1}", app, rec_a);
    TH_EXPECT_ERROR(403, "CB_NO02");
    assert_null(strstr(r->body, "秘密メモ"));
    assert_string_equal(revision_of(app, rec_a), "3");
    /* revisions that are not earlier ones */
    th_sendq("POST", "/k/v1/record/revert.json", "{'app':%ld,'id':%ld,'revision':3}", app, rec_a);
    TH_EXPECT_KEY("revision");
    th_sendq("POST", "/k/v1/record/revert.json", "{'app':%ld,'id':%ld,'revision':0}", app, rec_a);
    TH_EXPECT_KEY("revision");

    r = th_sendq(
        "POST", "/k/v1/record/revert.json",
        "{'app':%ld,'id':%ld,'revision':1,'expectedRevision':'3','reason':'誤って更新したため'}",
        app, rec_a);
    expect_ok(r);
    assert_string_equal(th_str(r->json, "revision"), "4");
    r = th_getf("/k/v1/record.json?app=%ld&id=%ld", app, rec_a);
    expect_ok(r);
    assert_string_equal(th_str(r->json, "record.$revision.value"), "4");
    assert_string_equal(th_str(r->json, "record.件名.value"), "申請A");
    assert_string_equal(th_str(r->json, "record.金額.value"), "100");
    assert_string_equal(th_str(r->json, "record.秘密メモ.value"), "極秘その一");
    assert_int_equal(th_count(r->json, "record.添付.value"), 0);
    assert_int_equal(th_count(r->json, "record.明細.value"), 2);
    assert_string_equal(th_str(r->json, "record.明細.value.0.value.数量.value"), "1");
    assert_string_equal(th_str(r->json, "record.明細.value.1.value.品名.value"), "椅子");
    /* the unique index and the search index follow the reverted values */
    r = th_getf("/k/v1/records.json?app=%ld&query=%s", app,
                "%E4%BB%B6%E5%90%8D%20like%20%22%E7%94%B3%E8%AB%8BA%22"); /* 件名 like "申請A" */
    expect_ok(r);
    assert_int_equal(th_count(r->json, "records"), 1);
    th_sendq("POST", "/k/v1/record.json", "{'app':%ld,'record':{'件名':{'value':'申請A'}}}", app);
    TH_EXPECT_KEY("record.件名.value");
    long other = create(TH_USER, app, "{'件名':{'value':'申請A改'}}");
    assert_true(other > 0);

    r = th_getf("/k/v1/record/history.json?app=%ld&id=%ld", app, rec_a);
    expect_ok(r);
    assert_string_equal(th_str(r->json, "total"), "4");
    assert_string_equal(th_str(r->json, "history.0.action"), "revert");
    assert_string_equal(th_str(r->json, "history.0.reason"), "誤って更新したため");
    json_t *to = th_at(r->json, "history.0.detail.to");
    assert_true(json_is_integer(to) && json_integer_value(to) == 1);
    json_t *ch = change_of(th_at(r->json, "history.0.changes"), "金額");
    assert_non_null(ch);
    assert_string_equal(th_str(ch, "before"), "250");
    assert_string_equal(th_str(ch, "after"), "100");
    ch = change_of(th_at(r->json, "history.0.changes"), "添付");
    assert_non_null(ch);
    assert_string_equal(th_str(ch, "files.removed.0"), "申請書.txt");
}

/* Reverting to a value another record holds now fails on that field and writes nothing. */
static void
test_revert_unique(void **state)
{
    (void)state;
    long c1 = create(TH_USER, app, "{'件名':{'value':'ユニーク1'}}");
    update(TH_USER, app, c1, "{'件名':{'value':'ユニーク2'}}");
    create(TH_USER, app, "{'件名':{'value':'ユニーク1'}}");
    th_sendq("POST", "/k/v1/record/revert.json", "{'app':%ld,'id':%ld,'revision':1}", app, c1);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("record.件名.value");
    assert_string_equal(revision_of(app, c1), "2");
    const struct th_resp *r = th_getf("/k/v1/record/history.json?app=%ld&id=%ld", app, c1);
    assert_string_equal(th_str(r->json, "total"), "2");
}

/* tanto may revert when the fields it cannot edit are the same at both revisions; a deleted
 * record's history is for managers only, and it cannot be reverted (restore exists). */
static void
test_revert_by_editor_and_deleted(void **state)
{
    (void)state;
    long b = create(TH_USER, app, "{'件名':{'value':'申請B'},'秘密メモ':{'value':'極秘B'}}");
    update("tanto", app, b, "{'件名':{'value':'申請B改'}}");
    const struct th_resp *r =
        as("tanto", "POST", "/k/v1/record/revert.json", "{'app':%ld,'id':%ld,'revision':1}", app,
           b);
    expect_ok(r);
    assert_string_equal(th_str(r->json, "revision"), "3");
    r = th_getf("/k/v1/record.json?app=%ld&id=%ld", app, b);
    assert_string_equal(th_str(r->json, "record.件名.value"), "申請B");
    assert_string_equal(th_str(r->json, "record.秘密メモ.value"), "極秘B");

    expect_ok(th_send("DELETE", "/k/v1/records.json", "{\"app\":%ld,\"ids\":[%ld]}", app, b));
    r = th_getf("/k/v1/record/history.json?app=%ld&id=%ld", app, b);
    expect_ok(r);
    assert_string_equal(th_str(r->json, "history.0.action"), "delete");
    assert_string_equal(th_str(r->json, "total"), "4");
    get_as("tanto", "/k/v1/record/history.json?app=%ld&id=%ld", app, b);
    TH_EXPECT_ERROR(404, "GAIA_RE01");
    get_as("tanto", "/k/v1/record/asof.json?app=%ld&id=%ld&revision=1", app, b);
    TH_EXPECT_ERROR(404, "GAIA_RE01");
    r = th_getf("/k/v1/record/asof.json?app=%ld&id=%ld&revision=2", app, b);
    expect_ok(r);
    assert_string_equal(th_str(r->json, "record.件名.value"), "申請B改");
    th_sendq("POST", "/k/v1/record/revert.json", "{'app':%ld,'id':%ld,'revision':1}", app, b);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("id");
    as("tanto", "POST", "/k/v1/record/revert.json", "{'app':%ld,'id':%ld,'revision':1}", app, b);
    TH_EXPECT_ERROR(404, "GAIA_RE01");
}

/* Values of a field deleted from the app since stay in the history (type UNKNOWN). */
static void
test_deleted_field(void **state)
{
    (void)state;
    long a2 = app_from("{'件名':{'type':'SINGLE_LINE_TEXT','code':'件名'},"
                       "'旧項目':{'type':'SINGLE_LINE_TEXT','code':'旧項目','label':'旧項目'}}");
    long e = create(TH_USER, a2, "{'件名':{'value':'E'},'旧項目':{'value':'古い値'}}");
    update(TH_USER, a2, e, "{'旧項目':{'value':'新しい値'}}");
    expect_ok(th_sendq("DELETE", "/k/v1/preview/app/form/fields.json",
                       "{'app':%ld,'fields':['旧項目']}", a2));
    deploy(a2);
    const struct th_resp *r =
        get_as("tanto", "/k/v1/record/history.json?app=%ld&id=%ld&order=asc", a2, e);
    expect_ok(r);
    json_t *ch = change_of(th_at(r->json, "history.1.changes"), "旧項目");
    assert_non_null(ch);
    assert_string_equal(th_str(ch, "type"), "UNKNOWN");
    assert_string_equal(th_str(ch, "before"), "古い値");
    assert_string_equal(th_str(ch, "after"), "新しい値");
    r = get_as("tanto", "/k/v1/record/asof.json?app=%ld&id=%ld&revision=1", a2, e);
    expect_ok(r);
    assert_null(th_at(r->json, "record.旧項目"));
    assert_string_equal(th_str(r->json, "removedFields.旧項目.value"), "古い値");
    /* a revert cannot bring the field back, and leaves the rest as it was */
    r = th_sendq("POST", "/k/v1/record/revert.json", "{'app':%ld,'id':%ld,'revision':1}", a2, e);
    expect_ok(r);
    r = th_getf("/k/v1/record.json?app=%ld&id=%ld", a2, e);
    assert_string_equal(th_str(r->json, "record.件名.value"), "E");
    assert_null(th_at(r->json, "record.旧項目"));
}

static void
sql(const char *text, long a, long b, const char *s1, const char *s2)
{
    struct db_param p[] = { DBP_INT(a), DBP_INT(b), DBP_TEXT(s1 ? s1 : ""),
                            DBP_TEXT(s2 ? s2 : "") };
    int n = s2 ? 4 : s1 ? 3 : 2;
    if (db_exec(th_db(), text, p, n, NULL) != DB_OK) {
        fprintf(stderr, "sql failed: %s: %s\n", text, db_errmsg(th_db()));
        abort();
    }
}

/* Revisions as the workflow writes them (an action, then the status change, with a detail
 * that names the fields the action wrote): the status change is shown, a hidden field named
 * in the detail is not, and a revert leaves status and assignees alone. */
static void
test_status_revisions(void **state)
{
    (void)state;
    long f = create(TH_USER, app, "{'件名':{'value':'申請F'}}");
    th_clock_advance(60);
    update(TH_USER, app, f, "{'件名':{'value':'申請F改'}}");
    sql("UPDATE record_revisions SET status = '審査中' WHERE app_id = $1 AND record_id = $2", app, f,
        NULL, NULL);
    sql("INSERT INTO record_revisions (app_id, record_id, revision, action, actor, at, data, "
        "reason, detail, status, assignees) SELECT app_id, record_id, 3, 'action', 'tanto', "
        "at + 60, data, '', $3, '審査中', NULL FROM record_revisions WHERE app_id = $1 AND "
        "record_id = $2 AND revision = 2",
        app, f, "{\"action\":\"承認\",\"from\":\"審査中\",\"to\":\"係長確認\","
                "\"writes\":{\"秘密メモ\":\"x\",\"件名\":\"y\"}}", NULL);
    sql("INSERT INTO record_revisions (app_id, record_id, revision, action, actor, at, data, "
        "reason, detail, status, assignees) SELECT app_id, record_id, 4, 'status', 'tanto', at, "
        "data, '', '{}', '係長確認', $3 FROM record_revisions WHERE app_id = $1 AND record_id = $2 "
        "AND revision = 3",
        app, f, "[\"tanto\"]", NULL);
    sql("UPDATE records SET revision = 4, status = '係長確認', assignees = $3 WHERE app_id = $1 "
        "AND id = $2", app, f, "[\"tanto\"]", NULL);
    const struct th_resp *r =
        get_as("tanto", "/k/v1/record/history.json?app=%ld&id=%ld&order=asc", app, f);
    expect_ok(r);
    assert_null(th_at(r->json, "history.1.status"));
    assert_null(th_at(r->json, "history.2.status"));
    assert_string_equal(th_str(r->json, "history.2.detail.action"), "承認");
    assert_string_equal(th_str(r->json, "history.2.detail.writes.件名"), "y");
    assert_null(th_at(r->json, "history.2.detail.writes.秘密メモ"));
    assert_null(strstr(r->body, "秘密メモ"));
    assert_int_equal(th_count(r->json, "history.2.changes"), 0);
    assert_string_equal(th_str(r->json, "history.3.status.from"), "審査中");
    assert_string_equal(th_str(r->json, "history.3.status.to"), "係長確認");
    assert_string_equal(th_str(r->json, "history.3.assignees.to.0.code"), "tanto");
    assert_int_equal(th_count(r->json, "history.3.assignees.from"), 0);
    /* the first revision had a status: from nothing */
    assert_true(json_is_null(th_at(r->json, "history.0.status.from")));

    r = as("tanto", "POST", "/k/v1/record/revert.json", "{'app':%ld,'id':%ld,'revision':1}", app,
           f);
    expect_ok(r);
    r = th_getf("/k/v1/record/history.json?app=%ld&id=%ld&limit=1", app, f);
    expect_ok(r);
    assert_string_equal(th_str(r->json, "history.0.action"), "revert");
    assert_null(th_at(r->json, "history.0.status"));
    assert_null(th_at(r->json, "history.0.assignees"));
    assert_string_equal(th_str(r->json, "history.0.changes.0.after"), "申請F");
    r = th_getf("/k/v1/record/asof.json?app=%ld&id=%ld&revision=5", app, f);
    expect_ok(r);
    assert_string_equal(th_str(r->json, "record.件名.value"), "申請F");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_history_diffs),
        cmocka_unit_test(test_paging_and_timeline),
        cmocka_unit_test(test_asof),
        cmocka_unit_test(test_hidden_field),
        cmocka_unit_test(test_not_viewable),
        cmocka_unit_test(test_revert),
        cmocka_unit_test(test_revert_unique),
        cmocka_unit_test(test_revert_by_editor_and_deleted),
        cmocka_unit_test(test_deleted_field),
        cmocka_unit_test(test_status_revisions),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
