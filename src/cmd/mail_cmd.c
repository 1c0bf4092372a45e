/* madoguchi mail: the outbox from the command line. "test" queues a message to check the
 * [mail] settings end to end (the running server's sender delivers it), "list" shows delivery
 * states (what GET /admin/api/mail.json shows), "retry" queues failed messages again. */
#include "cmd/cmd.h"

#include "core/arena.h"
#include "db/db.h"
#include "domain/event.h"
#include "domain/outbox.h"
#include "domain/outbox_queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
mail_usage(FILE *out)
{
    fputs("usage: madoguchi mail VERB [--data DIR] [--db URL] ...   (docs/operations.md)\n\n"
          "  test --to ADDRESS [--subject TEXT] [--body TEXT]\n"
          "      queues a test message; the running server sends it (check with list)\n"
          "  list [--state queued|sending|sent|failed] [--ref REF] [--limit N]\n"
          "      messages newest first, as JSON (bodies are never shown)\n"
          "  retry ID...\n"
          "      failed messages back to the queue, due now\n",
          out);
}

static const char *
opt(int nrest, char **rest, const char *name)
{
    for (int i = 1; i + 1 < nrest; i++)
        if (!strcmp(rest[i], name))
            return rest[i + 1];
    return NULL;
}

static int
run(struct ctx *c, int nrest, char **rest)
{
    const char *verb = rest[0];
    enum err e = ERR_OK;
    if (!strcmp(verb, "list")) {
        const char *lim = opt(nrest, rest, "--limit");
        json_t *out = NULL;
        e = outbox_list(c, opt(nrest, rest, "--state"), opt(nrest, rest, "--ref"),
                        lim ? atol(lim) : 100, 0, &out);
        if (e == ERR_OK) {
            json_dumpf(out, stdout, JSON_INDENT(2));
            fputc('\n', stdout);
            json_decref(out);
            return 0;
        }
    } else if (!strcmp(verb, "test") || !strcmp(verb, "retry")) {
        if (db_begin(c->db, true) != DB_OK) {
            fprintf(stderr, "madoguchi mail: %s\n", db_errmsg(c->db));
            return 1;
        }
        if (!strcmp(verb, "test")) {
            const char *subject = opt(nrest, rest, "--subject");
            const char *body = opt(nrest, rest, "--body");
            struct outbox_msg m = {
                .to = opt(nrest, rest, "--to"),
                .subject = subject ? subject : "madoguchi テストメール / test message",
                .body = body ? body : "madoguchi からのテストメールです。\nThis is a test message from madoguchi.\n",
                .kind = "test",
                .ref = "test",
            };
            int64_t id = 0;
            e = m.to ? outbox_add(c, &m, &id) : fail_set(c->fail, ERR_INVALID, NULL);
            if (e == ERR_OK)
                printf("%lld\n", (long long)id);
        } else {
            int64_t n = 0, *ids = arena_alloc(c->arena, sizeof(int64_t) * (size_t)nrest);
            size_t nids = 0;
            for (int i = 1; i < nrest; i++)
                if ((ids[nids] = atoll(rest[i])) > 0)
                    nids++;
            e = outbox_retry(c, ids, nids, &n);
            if (e == ERR_OK) {
                event_log(c, "admin.mail.retry", NULL, "mail", NULL);
                printf("%lld queued\n", (long long)n);
            }
        }
        if (e == ERR_OK && db_commit(c->db) != DB_OK)
            e = fail_set(c->fail, ERR_INTERNAL, NULL);
        if (e != ERR_OK)
            (void)db_rollback(c->db);
        if (e == ERR_OK)
            return 0;
    } else {
        mail_usage(stderr);
        return 2;
    }
    fprintf(stderr, "madoguchi mail %s: %s\n", verb, c->fail->message ? c->fail->message : "failed");
    return 1;
}

int
cmd_mail(int argc, char **argv)
{
    struct runtime rt;
    char *rest[RUNTIME_MAX_ARGS];
    int nrest;
    int rc = runtime_args(&rt, argc, argv, rest, &nrest, mail_usage);
    if (rc >= 0)
        return rc;
    if (nrest < 1) {
        mail_usage(stderr);
        config_release(&rt.cfg);
        return 2;
    }
    rc = runtime_open(&rt);
    if (rc == 0) {
        struct arena *a = arena_new();
        struct ctx c;
        struct fail f;
        runtime_ctx(&rt, &c, a, &f);
        rc = run(&c, nrest, rest);
        arena_free(a);
    }
    runtime_close(&rt);
    return rc;
}
