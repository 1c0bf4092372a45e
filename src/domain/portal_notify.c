/* Mail to the applicant when the ward does something on their application: what happened and
 * a link, nothing else (mail crosses networks we do not control; the page is behind
 * verification). */
#include "portal.h"

#include "core/arena.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/app.h"
#include "domain/outbox.h"
#include "domain/portal_sql.h"

#include <stdlib.h>
#include <string.h>

static char *public_url; /* set once at start, before any worker runs */

void
portal_configure(const char *url)
{
    free(public_url);
    public_url = NULL;
    if (url && *url) {
        size_t n = strlen(url);
        while (n && url[n - 1] == '/')
            n--; /* "https://x/" and "https://x" alike */
        public_url = strndup(url, n);
    }
}

const char *
portal_public_url(void)
{
    return public_url ? public_url : "";
}

const char *
portal_link(struct ctx *c, const char *receipt_no)
{
    struct strbuf sb;
    strbuf_init(&sb, c->arena, 0);
    strbuf_adds(&sb, public_url ? public_url : "");
    strbuf_adds(&sb, "/my/");
    strbuf_add_url_escaped(&sb, receipt_no);
    strbuf_addc(&sb, '\0');
    return sb.buf;
}

enum err
portal_notify(struct ctx *c, int64_t app_id, int64_t record_id, const char *what_ja,
              const char *what_en)
{
    struct db_param p[] = { DBP_INT(app_id), DBP_INT(record_id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, PORTAL_SQL_OWNER, p, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    const char *receipt = NULL, *email = NULL;
    rc = db_step(res);
    if (rc == 1) {
        receipt = arena_strdup(c->arena, db_col_text(res, 0));
        email = arena_strdup(c->arena, db_col_text(res, 1));
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    if (rc == 0)
        return ERR_OK; /* a paper application: nobody to tell online */
    const char *link = portal_link(c, receipt);
    struct outbox_msg m = {
        .to = email,
        .subject = arena_printf(c->arena, "【電子申請】受付番号 %s についてのお知らせ / Notice", receipt),
        .body = arena_printf(c->arena,
                             "%s\n\n"
                             "受付番号：%s\n\n"
                             "内容は申請状況の確認ページでご覧ください。ページを開くと、申請に使ったメールアドレスの確認を求められます。\n"
                             "%s\n\n"
                             "このメールは送信専用です。\n\n"
                             "----\n"
                             "%s\n"
                             "Receipt number: %s. See the details on your application page (you will be asked "
                             "to confirm your e-mail address):\n%s\n",
                             what_ja, receipt, link, what_en, receipt, link),
        .kind = "portal",
        .ref = arena_printf(c->arena, "app:%lld/record:%lld", (long long)app_id,
                            (long long)record_id),
    };
    return outbox_add(c, &m, NULL);
}
