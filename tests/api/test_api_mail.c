/* API tests of the mail outbox: a message queued inside a transaction goes away with its
 * rollback; bodies are sealed and never listed; the delivery side (claim, retry with backoff,
 * failed after max_attempts, stuck "sending" requeued) as the sender thread drives it; the
 * administrators' list and retry endpoints and their refusal for other users. Runs on
 * PostgreSQL too (TEST_PG_DSN). */
#include "harness.h"

#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "domain/ctx.h"
#include "domain/outbox.h"
#include "domain/outbox_queue.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define PW "mail-user-pw-123"
#define T0 1900000000LL

struct tctx {
    struct arena *a;
    struct fail f;
    struct ctx c;
};

static struct ctx *
tctx_open(struct tctx *t, int64_t now)
{
    memset(t, 0, sizeof(*t));
    t->a = arena_new();
    fail_init(&t->f, t->a, LANG_JA);
    t->c.arena = t->a;
    t->c.db = th_db();
    t->c.fail = &t->f;
    t->c.now = now;
    t->c.who.kind = PRIN_SYSTEM;
    t->c.who.login = "system";
    return &t->c;
}

static void
tctx_close(struct tctx *t)
{
    arena_free(t->a);
}

static int64_t
add(const char *to, const char *subject, const char *body, const char *ref, bool commit)
{
    struct tctx t;
    struct ctx *c = tctx_open(&t, T0);
    struct outbox_msg m = { .to = to, .subject = subject, .body = body, .kind = "receipt",
                            .ref = ref };
    int64_t id = 0;
    assert_int_equal(db_begin(c->db, true), DB_OK);
    assert_int_equal(outbox_add(c, &m, &id), ERR_OK);
    assert_true(id > 0);
    assert_int_equal(commit ? db_commit(c->db) : db_rollback(c->db), DB_OK);
    tctx_close(&t);
    return id;
}

static int64_t
count_sql(const char *sql)
{
    int64_t n = -1;
    bool found = false;
    assert_int_equal(db_query_int(th_db(), sql, NULL, 0, &n, &found), DB_OK);
    return n;
}

static void
rollback_sends_nothing(void **state)
{
    (void)state;
    add("a@example.jp", "件名", "本文", "draft:1", false);
    assert_int_equal(count_sql("SELECT COUNT(*) FROM mail_outbox"), 0);
    int64_t id = add("taro@example.jp", "受付完了のお知らせ", "秘密の確認コード 123456", "app:1/record:7", true);
    assert_int_equal(count_sql("SELECT COUNT(*) FROM mail_outbox"), 1);
    /* the body is sealed at rest */
    assert_int_equal(count_sql("SELECT COUNT(*) FROM mail_outbox WHERE body LIKE '%123456%'"), 0);
    th_get("/admin/api/mail.json");
    TH_EXPECT_STATUS(200);
    const struct th_resp *r = th_get("/admin/api/mail.json");
    assert_int_equal(th_count(r->json, "messages"), 1);
    char idstr[24];
    snprintf(idstr, sizeof(idstr), "%lld", (long long)id);
    assert_string_equal(th_str(r->json, "messages.0.id"), idstr);
    assert_string_equal(th_str(r->json, "messages.0.to"), "taro@example.jp");
    assert_string_equal(th_str(r->json, "messages.0.subject"), "受付完了のお知らせ");
    assert_string_equal(th_str(r->json, "messages.0.state"), "queued");
    assert_string_equal(th_str(r->json, "messages.0.ref"), "app:1/record:7");
    assert_null(th_at(r->json, "messages.0.body"));
    assert_null(strstr(r->body, "123456"));
}

static void
invalid_messages_refused(void **state)
{
    (void)state;
    struct tctx t;
    struct ctx *c = tctx_open(&t, T0);
    struct outbox_msg m = { .to = "x@example.jp\r\nBcc: v@example.com", .subject = "s",
                            .body = "b", .kind = "notice" };
    assert_int_equal(db_begin(c->db, true), DB_OK);
    assert_int_equal(outbox_add(c, &m, NULL), ERR_INVALID);
    tctx_close(&t);
    c = tctx_open(&t, T0);
    m.to = "x@example.jp";
    m.subject = "s\nBcc: v@example.com";
    assert_int_equal(outbox_add(c, &m, NULL), ERR_INVALID);
    assert_int_equal(db_rollback(c->db), DB_OK);
    tctx_close(&t);
}

static void
delivery_cycle(void **state)
{
    (void)state;
    assert_int_equal(db_exec(th_db(), "DELETE FROM mail_outbox", NULL, 0, NULL), DB_OK);
    int64_t id = add("hanako@example.jp", "確認", "本文です\n二行目", "draft:9", true);
    struct tctx t;
    /* not yet due before it was queued */
    struct ctx *c = tctx_open(&t, T0 - 1);
    struct outbox_item *items;
    size_t n;
    assert_int_equal(outbox_claim(c, 10, &items, &n), ERR_OK);
    assert_int_equal(n, 0);
    tctx_close(&t);
    /* claimed once, with the body unsealed */
    c = tctx_open(&t, T0);
    assert_int_equal(outbox_claim(c, 10, &items, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, id);
    assert_string_equal(items[0].to, "hanako@example.jp");
    assert_string_equal(items[0].body, "本文です\n二行目");
    assert_int_equal(items[0].attempts, 1);
    tctx_close(&t);
    /* a second sender finds nothing to take */
    c = tctx_open(&t, T0);
    assert_int_equal(outbox_claim(c, 10, &items, &n), ERR_OK);
    assert_int_equal(n, 0);
    /* the attempt failed: queued again one base interval later */
    assert_int_equal(outbox_mark_failed_attempt(c, id, 1, 3, 60, "550 mailbox unavailable"), ERR_OK);
    tctx_close(&t);
    const struct th_resp *r = th_get("/admin/api/mail.json?ref=draft%3A9");
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "messages"), 1);
    assert_string_equal(th_str(r->json, "messages.0.state"), "queued");
    assert_string_equal(th_str(r->json, "messages.0.lastError"), "550 mailbox unavailable");
    assert_int_equal(json_integer_value(th_at(r->json, "messages.0.attempts")), 1);
    c = tctx_open(&t, T0 + 59);
    assert_int_equal(outbox_claim(c, 10, &items, &n), ERR_OK);
    assert_int_equal(n, 0);
    tctx_close(&t);
    c = tctx_open(&t, T0 + 60);
    assert_int_equal(outbox_claim(c, 10, &items, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].attempts, 2);
    assert_int_equal(outbox_mark_failed_attempt(c, id, 2, 3, 60, "timeout"), ERR_OK);
    tctx_close(&t);
    /* second backoff: twice the base */
    c = tctx_open(&t, T0 + 60 + 119);
    assert_int_equal(outbox_claim(c, 10, &items, &n), ERR_OK);
    assert_int_equal(n, 0);
    tctx_close(&t);
    c = tctx_open(&t, T0 + 60 + 120);
    assert_int_equal(outbox_claim(c, 10, &items, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(outbox_mark_failed_attempt(c, id, 3, 3, 60, "timeout again"), ERR_OK);
    tctx_close(&t);
    /* max_attempts reached: failed, never claimed again */
    c = tctx_open(&t, T0 + 100000);
    assert_int_equal(outbox_claim(c, 10, &items, &n), ERR_OK);
    assert_int_equal(n, 0);
    tctx_close(&t);
    r = th_get("/admin/api/mail.json?state=failed");
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "messages"), 1);
    assert_string_equal(th_str(r->json, "messages.0.lastError"), "timeout again");
    /* the administrator's retry: queued, due now, attempts start over */
    th_sendq("POST", "/admin/api/mail/retry.json", "{'ids':[%lld, 999999]}", (long long)id);
    TH_EXPECT_STATUS(200);
    r = th_get("/admin/api/mail.json?state=queued");
    assert_int_equal(th_count(r->json, "messages"), 1);
    assert_int_equal(json_integer_value(th_at(r->json, "messages.0.attempts")), 0);
    c = tctx_open(&t, th_now());
    assert_int_equal(outbox_claim(c, 10, &items, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].attempts, 1);
    assert_int_equal(outbox_mark_sent(c, id), ERR_OK);
    tctx_close(&t);
    r = th_get("/admin/api/mail.json?state=sent");
    assert_int_equal(th_count(r->json, "messages"), 1);
    assert_true(json_is_string(th_at(r->json, "messages.0.sentAt")));
    assert_true(json_is_null(th_at(r->json, "messages.0.lastError")));
    /* retry only touches failed messages */
    r = th_sendq("POST", "/admin/api/mail/retry.json", "{'ids':[%lld]}", (long long)id);
    assert_string_equal(th_str(r->json, "queued"), "0");
}

static void
stuck_sending_requeued(void **state)
{
    (void)state;
    assert_int_equal(db_exec(th_db(), "DELETE FROM mail_outbox", NULL, 0, NULL), DB_OK);
    add("jiro@example.jp", "s", "b", NULL, true);
    struct tctx t;
    struct ctx *c = tctx_open(&t, T0);
    struct outbox_item *items;
    size_t n;
    assert_int_equal(outbox_claim(c, 10, &items, &n), ERR_OK);
    assert_int_equal(n, 1);
    tctx_close(&t);
    int64_t moved = -1;
    c = tctx_open(&t, T0 + OUTBOX_STUCK_SECONDS);
    assert_int_equal(outbox_requeue_stuck(c, &moved), ERR_OK);
    assert_int_equal(moved, 0);
    tctx_close(&t);
    c = tctx_open(&t, T0 + OUTBOX_STUCK_SECONDS + 1);
    assert_int_equal(outbox_requeue_stuck(c, &moved), ERR_OK);
    assert_int_equal(moved, 1);
    assert_int_equal(outbox_claim(c, 10, &items, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].attempts, 2);
    /* given back at shutdown: queued, the attempt not counted */
    assert_int_equal(outbox_unclaim(c, items[0].id), ERR_OK);
    assert_int_equal(outbox_claim(c, 10, &items, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].attempts, 2);
    tctx_close(&t);
}

static void
list_filters_and_paging(void **state)
{
    (void)state;
    assert_int_equal(db_exec(th_db(), "DELETE FROM mail_outbox", NULL, 0, NULL), DB_OK);
    for (int i = 0; i < 5; i++)
        add("p@example.jp", "page", "b", i % 2 ? "odd" : "even", true);
    const struct th_resp *r = th_get("/admin/api/mail.json?limit=2&offset=1");
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "messages"), 2);
    r = th_get("/admin/api/mail.json?ref=odd");
    assert_int_equal(th_count(r->json, "messages"), 2);
    r = th_get("/admin/api/mail.json?state=queued&ref=even");
    assert_int_equal(th_count(r->json, "messages"), 3);
    th_get("/admin/api/mail.json?state=bogus");
    TH_EXPECT_ERROR(400, "CB_VA01");
    th_get("/admin/api/mail.json?limit=501");
    TH_EXPECT_ERROR(400, "CB_VA01");
    th_get("/admin/api/mail.json?limit=x");
    TH_EXPECT_ERROR(400, "CB_VA01");
    th_send("POST", "/admin/api/mail/retry.json", "{\"ids\":[]}");
    TH_EXPECT_ERROR(400, "CB_VA01");
    th_send("POST", "/admin/api/mail/retry.json", "{\"ids\":[\"x\"]}");
    TH_EXPECT_ERROR(400, "CB_VA01");
}

static void
admin_only(void **state)
{
    (void)state;
    th_user("mailuser", PW, 0);
    const char *h[] = { th_auth_header("mailuser", PW), NULL };
    th_request("GET", "/admin/api/mail.json", NULL, h, 0);
    assert_int_equal(th_last_status(), 403);
    th_request("POST", "/admin/api/mail/retry.json", "{\"ids\":[1]}", h, 0);
    assert_int_equal(th_last_status(), 403);
    th_request("GET", "/admin/api/mail.json", NULL, NULL, 0);
    assert_true(th_last_status() == 401 || th_last_status() == 403);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rollback_sends_nothing),
        cmocka_unit_test(invalid_messages_refused),
        cmocka_unit_test(delivery_cycle),
        cmocka_unit_test(stuck_sending_requeued),
        cmocka_unit_test(list_filters_and_paging),
        cmocka_unit_test(admin_only),
    };
    return cmocka_run_group_tests_name(th_backend(), tests, th_setup, th_teardown);
}
