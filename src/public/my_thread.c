/* The thread with the ward on the application page, and the reply form: text, files and,
 * where the ward unlocked them, corrections of the application's answers. Works without
 * JavaScript (one multipart post). */
#include "my.h"

#include "core/arena.h"
#include "db/db.h"
#include "domain/app.h"
#include "domain/portal.h"
#include "domain/portal_msg.h"
#include "http/multipart.h"

#include <string.h>

static void
decref(void *p)
{
    json_decref(p);
}

static const char *
kind_text(struct req *r, const char *sender, const char *kind)
{
    if (!strcmp(kind, "correction"))
        return MY_T(r, "修正のお願い", "Correction request");
    if (!strcmp(kind, "missing"))
        return MY_T(r, "書類提出のお願い", "Request for documents");
    if (!strcmp(kind, "reply"))
        return MY_T(r, "回答", "Reply");
    return !strcmp(sender, "ward") ? MY_T(r, "お知らせ", "Message") : MY_T(r, "連絡", "Message");
}

static void
file_list(struct page *pg, const char *receipt, const json_t *files)
{
    struct req *r = pg->r;
    if (!json_array_size(files))
        return;
    page_raw(pg, "<ul class=\"files\">");
    size_t i;
    const json_t *f;
    json_array_foreach(files, i, f)
    {
        page_printf(pg, "<li><a href=\"/my/%s/files/", my_url_part(r, receipt));
        page_text(pg, my_url_part(r, json_string_value(json_object_get(f, "fileKey"))));
        page_raw(pg, "\">");
        page_text(pg, json_string_value(json_object_get(f, "name")));
        page_raw(pg, "</a> <span class=\"meta\">(");
        page_text(pg, my_size(r, json_integer_value(json_object_get(f, "size"))));
        page_raw(pg, ")</span></li>");
    }
    page_raw(pg, "</ul>");
}

static void
message_item(struct page *pg, const char *receipt, const json_t *m)
{
    struct req *r = pg->r;
    const char *sender = json_string_value(json_object_get(m, "sender"));
    const char *kind = json_string_value(json_object_get(m, "kind"));
    bool ward = !strcmp(sender, "ward");
    page_printf(pg, "<li class=\"msg %s\" id=\"m%lld\"><p class=\"meta\"><strong>%s</strong> ",
                ward ? "ward" : "mine", (long long)json_integer_value(json_object_get(m, "id")),
                ward ? MY_T(r, "区から", "From the ward") : MY_T(r, "あなたから", "From you"));
    page_raw(pg, "<span class=\"tag\">");
    page_text(pg, kind_text(r, sender, kind));
    page_raw(pg, "</span> ");
    page_text(pg, my_date(r, json_integer_value(json_object_get(m, "createdAt"))));
    page_raw(pg, "</p>\n<div class=\"body\">");
    page_text(pg, json_string_value(json_object_get(m, "body")));
    page_raw(pg, "</div>\n");
    const char *due = json_string_value(json_object_get(m, "dueDate"));
    if (due) {
        bool answered = json_is_integer(json_object_get(m, "answeredAt"));
        page_raw(pg, answered ? "<p class=\"due done\">" : "<p class=\"due\"><strong>");
        page_raw(pg, MY_T(r, "期限：", "Due: "));
        page_text(pg, my_day(r, due));
        page_raw(pg, answered ? MY_T(r, "（回答済み）</p>\n", " (answered)</p>\n") : "</strong></p>\n");
    }
    const json_t *fields = json_object_get(m, "fields");
    if (json_array_size(fields)) {
        page_raw(pg, MY_T(r, "<p>修正をお願いする項目：", "<p>Please correct: "));
        size_t i;
        const json_t *f;
        json_array_foreach(fields, i, f)
        {
            if (i)
                page_raw(pg, MY_T(r, "、", ", "));
            page_text(pg, json_string_value(json_object_get(f, "label")));
        }
        page_raw(pg, "</p>\n");
    }
    const json_t *docs = json_object_get(m, "documents");
    if (json_array_size(docs)) {
        page_raw(pg, MY_T(r, "<p>提出をお願いする書類：</p><ul>", "<p>Please submit:</p><ul>"));
        size_t i;
        const json_t *d;
        json_array_foreach(docs, i, d)
        {
            page_raw(pg, "<li>");
            page_text(pg, json_string_value(d));
            page_raw(pg, "</li>");
        }
        page_raw(pg, "</ul>\n");
    }
    const json_t *changes = json_object_get(m, "changes");
    if (json_array_size(changes)) {
        page_raw(pg, MY_T(r, "<p>修正した項目：</p><dl class=\"changes\">",
                          "<p>Corrected:</p><dl class=\"changes\">"));
        size_t i;
        const json_t *c;
        json_array_foreach(changes, i, c)
        {
            page_raw(pg, "<dt>");
            page_text(pg, json_string_value(json_object_get(c, "label")));
            page_raw(pg, "</dt><dd>");
            page_text(pg, json_string_value(json_object_get(c, "from")));
            page_raw(pg, MY_T(r, " → ", " → "));
            page_text(pg, json_string_value(json_object_get(c, "to")));
            page_raw(pg, "</dd>");
        }
        page_raw(pg, "</dl>\n");
    }
    file_list(pg, receipt, json_object_get(m, "files"));
    page_raw(pg, "</li>\n");
}

static const json_t *
field_errors(const struct my_state *st, const char *key)
{
    return st && st->reply_errors
               ? json_object_get(json_object_get(st->reply_errors, key), "messages")
               : NULL;
}

static void
error_lines(struct page *pg, const char *id, const json_t *msgs)
{
    page_printf(pg, "<p class=\"error-msg\" id=\"%s\"><span class=\"icon\" aria-hidden=\"true\">!</span>", id);
    size_t i;
    const json_t *m;
    json_array_foreach(msgs, i, m)
    {
        if (i)
            page_raw(pg, " ");
        page_text(pg, json_string_value(m));
    }
    page_raw(pg, "</p>");
}

static bool
has_value(const json_t *v, const char *opt)
{
    if (json_is_string(v))
        return !strcmp(json_string_value(v), opt);
    size_t i;
    const json_t *x;
    json_array_foreach(v, i, x) if (json_is_string(x) && !strcmp(json_string_value(x), opt)) return true;
    return false;
}

/* One unlocked field, asked again with its current (or just typed) value. */
static void
unlocked_input(struct page *pg, size_t n, const json_t *u, const struct my_state *st)
{
    struct req *r = pg->r;
    const char *code = json_string_value(json_object_get(u, "code"));
    const char *type = json_string_value(json_object_get(u, "type"));
    const json_t *value = st && st->reply_answers && json_object_get(st->reply_answers, code)
                              ? json_object_get(st->reply_answers, code)
                              : json_object_get(u, "value");
    const json_t *msgs = field_errors(st, arena_printf(r->arena, "a.%s", code));
    const char *id = arena_printf(r->arena, "fix-%zu", n);
    const char *err_id = arena_printf(r->arena, "fix-%zu-error", n);
    const char *invalid = msgs ? arena_printf(r->arena, " aria-invalid=\"true\" aria-describedby=\"%s\"", err_id) : "";
    bool multi = !strcmp(type, "CHECK_BOX") || !strcmp(type, "MULTI_SELECT");
    bool single = !strcmp(type, "RADIO_BUTTON") || !strcmp(type, "DROP_DOWN");
    page_printf(pg, "<input type=\"hidden\" name=\"shown[]\" value=\"");
    page_text(pg, code);
    page_raw(pg, "\">");
    page_printf(pg, msgs ? "<div class=\"field has-error\">" : "<div class=\"field\">");
    if (multi) {
        page_printf(pg, "<fieldset id=\"%s\"%s><legend>", id, msgs ? arena_printf(r->arena, " aria-describedby=\"%s\"", err_id) : "");
        page_text(pg, json_string_value(json_object_get(u, "label")));
        page_raw(pg, "</legend>");
        if (msgs)
            error_lines(pg, err_id, msgs);
        size_t i;
        const json_t *o;
        json_array_foreach(json_object_get(u, "options"), i, o)
        {
            page_printf(pg, "<label class=\"choice\"><input type=\"checkbox\" name=\"a.");
            page_text(pg, code);
            page_raw(pg, "[]\" value=\"");
            page_text(pg, json_string_value(o));
            page_raw(pg, has_value(value, json_string_value(o)) ? "\" checked> " : "\"> ");
            page_text(pg, json_string_value(o));
            page_raw(pg, "</label>");
        }
        page_raw(pg, "</fieldset></div>\n");
        return;
    }
    page_printf(pg, "<label for=\"%s\">", id);
    page_text(pg, json_string_value(json_object_get(u, "label")));
    page_raw(pg, "</label>");
    if (msgs)
        error_lines(pg, err_id, msgs);
    const char *v = json_is_string(value) ? json_string_value(value) : "";
    if (single) {
        page_printf(pg, "<select id=\"%s\" name=\"a.", id);
        page_text(pg, code);
        page_printf(pg, "\"%s><option value=\"\">%s</option>", invalid, MY_T(r, "選択してください", "Choose"));
        size_t i;
        const json_t *o;
        json_array_foreach(json_object_get(u, "options"), i, o)
        {
            page_raw(pg, "<option");
            page_raw(pg, !strcmp(v, json_string_value(o)) ? " selected>" : ">");
            page_text(pg, json_string_value(o));
            page_raw(pg, "</option>");
        }
        page_raw(pg, "</select></div>\n");
        return;
    }
    if (!strcmp(type, "MULTI_LINE_TEXT") || !strcmp(type, "RICH_TEXT")) {
        page_printf(pg, "<textarea id=\"%s\" name=\"a.", id);
        page_text(pg, code);
        page_printf(pg, "\"%s>", invalid);
        page_text(pg, v);
        page_raw(pg, "</textarea></div>\n");
        return;
    }
    page_printf(pg, "<input type=\"%s\" id=\"%s\" name=\"a.", !strcmp(type, "DATE") ? "date" : "text", id);
    page_text(pg, code);
    page_printf(pg, "\"%s%s value=\"", invalid, !strcmp(type, "NUMBER") ? " inputmode=\"decimal\"" : "");
    page_text(pg, v);
    page_raw(pg, "\"></div>\n");
}

static void
reply_form(struct page *pg, const char *receipt, const json_t *thread, const struct my_state *st)
{
    struct req *r = pg->r;
    bool open = json_array_size(json_object_get(thread, "open")) > 0;
    const json_t *unlocked = json_object_get(thread, "unlocked");
    page_raw(pg, open ? MY_T(r, "<h3 id=\"reply\">区へ回答する</h3>\n", "<h3 id=\"reply\">Reply to the ward</h3>\n")
                      : MY_T(r, "<h3 id=\"reply\">区へ連絡する</h3>\n", "<h3 id=\"reply\">Write to the ward</h3>\n"));
    if (st && st->reply_errors) {
        page_raw(pg, MY_T(r, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\"><h2>送信できませんでした</h2><p>下の項目を確認してください。</p></div>\n",
                          "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\"><h2>Not sent</h2><p>Check the items below.</p></div>\n"));
    }
    if (open)
        page_raw(pg, MY_T(r, "<p class=\"help\">送信すると、お願いへの回答として区に届き、審査が再開されます。</p>\n",
                          "<p class=\"help\">Your reply answers the ward's request; the review then continues.</p>\n"));
    page_raw(pg, "<form method=\"post\" action=\"/my/");
    page_text(pg, my_url_part(r, receipt));
    page_raw(pg, "/reply\" enctype=\"multipart/form-data\" novalidate>");
    page_csrf_field(pg);
    if (json_array_size(unlocked)) {
        page_raw(pg, MY_T(r, "<fieldset class=\"fix\"><legend>修正する項目</legend>\n",
                          "<fieldset class=\"fix\"><legend>Items to correct</legend>\n"));
        size_t i;
        const json_t *u;
        json_array_foreach(unlocked, i, u) unlocked_input(pg, i, u, st);
        page_raw(pg, "</fieldset>\n");
    }
    const json_t *bm = field_errors(st, "body");
    page_raw(pg, bm ? "<div class=\"field has-error\">" : "<div class=\"field\">");
    page_raw(pg, MY_T(r, "<label for=\"reply-body\">メッセージ</label>", "<label for=\"reply-body\">Message</label>"));
    if (bm)
        error_lines(pg, "reply-body-error", bm);
    page_raw(pg, bm ? "<textarea id=\"reply-body\" name=\"body\" aria-invalid=\"true\" aria-describedby=\"reply-body-error\">"
                    : "<textarea id=\"reply-body\" name=\"body\">");
    page_text(pg, st && st->reply_body ? st->reply_body : "");
    page_raw(pg, "</textarea></div>\n");
    const json_t *fm = field_errors(st, "files");
    page_raw(pg, fm ? "<div class=\"field has-error\">" : "<div class=\"field\">");
    page_raw(pg, MY_T(r, "<label for=\"reply-files\">添付ファイル <span class=\"opt\">任意</span></label>"
                         "<p class=\"help\" id=\"reply-files-help\">PDF・JPEG・PNG、1ファイル20MBまで、10ファイル・合計30MBまで。</p>",
                      "<label for=\"reply-files\">Attachments <span class=\"opt\">Optional</span></label>"
                      "<p class=\"help\" id=\"reply-files-help\">PDF, JPEG or PNG; up to 20 MB each, 10 files, 30 MB in all.</p>"));
    if (fm)
        error_lines(pg, "reply-files-error", fm);
    page_printf(pg, "<input type=\"file\" id=\"reply-files\" name=\"files\" multiple "
                    "accept=\".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png\" "
                    "aria-describedby=\"reply-files-help%s\"></div>\n",
                fm ? " reply-files-error" : "");
    page_raw(pg, MY_T(r, "<button type=\"submit\" class=\"primary\">送信する</button></form>\n",
                      "<button type=\"submit\" class=\"primary\">Send</button></form>\n"));
}

void
my_thread_section(struct page *pg, const char *receipt, const json_t *thread,
                  const struct my_state *st)
{
    struct req *r = pg->r;
    page_raw(pg, MY_T(r, "<h2 id=\"thread\">区とのやりとり</h2>\n", "<h2 id=\"thread\">Messages with the ward</h2>\n"));
    const json_t *msgs = json_object_get(thread, "messages");
    if (!json_array_size(msgs)) {
        page_raw(pg, MY_T(r, "<p>まだやりとりはありません。</p>\n", "<p>No messages yet.</p>\n"));
    } else {
        page_raw(pg, "<ol class=\"thread\">\n");
        size_t i;
        const json_t *m;
        json_array_foreach(msgs, i, m) message_item(pg, receipt, m);
        page_raw(pg, "</ol>\n");
    }
    reply_form(pg, receipt, thread, st);
}

enum err
my_reply_post(struct req *r, const struct applicant *a, const char *receipt, json_t *p)
{
    struct mpart *parts;
    size_t nparts;
    enum err e = page_read_multipart(r, p, &parts, &nparts);
    if (e == ERR_OK)
        e = page_csrf_check(r, p);
    if (e != ERR_OK)
        return e;
    const char *body = json_string_value(json_object_get(p, "body"));
    /* answers of the unlocked fields: "a.<code>" (and "a.<code>[]"); a shown field posted
     * without a value (every box unticked) is cleared */
    json_t *answers = json_object();
    arena_defer(r->arena, decref, answers);
    const char *k;
    json_t *v;
    json_object_foreach(p, k, v) if (!strncmp(k, "a.", 2) && k[2]) json_object_set(answers, k + 2, v);
    size_t i;
    const json_t *s;
    json_array_foreach(json_object_get(p, "shown"), i, s)
    {
        const char *code = json_string_value(s);
        if (code && !json_object_get(answers, code))
            json_object_set_new(answers, code, json_array());
    }
    struct pmsg_file files[PMSG_FILES_MAX + 1];
    size_t nfiles = 0;
    for (i = 0; i < nparts; i++) {
        const struct mpart *m = &parts[i];
        if (!m->filename || !*m->filename || !m->len || strcmp(m->name, "files") != 0)
            continue; /* an empty file input posts a nameless empty part */
        if (nfiles == PMSG_FILES_MAX + 1)
            break; /* one too many is enough to refuse */
        files[nfiles++] = (struct pmsg_file){ .name = m->filename, .data = m->data, .len = m->len };
    }
    r->ctx.audit_action = "applicant.reply";
    int rc = db_begin(r->db, true);
    if (rc != DB_OK)
        return fail_set(&r->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
    int64_t app_id, record_id, id;
    struct app_def d;
    struct pmsg_reply in = { .body = body, .files = files, .nfiles = nfiles, .answers = answers };
    e = portal_find(&r->ctx, a, receipt, &app_id, &record_id);
    if (e == ERR_OK)
        e = app_load(&r->ctx, app_id, false, &d);
    if (e == ERR_OK) {
        r->ctx.audit_target = arena_printf(r->arena, "app:%lld/record:%lld", (long long)app_id,
                                           (long long)record_id);
        e = pmsg_reply(&r->ctx, &d, record_id, &in, &id);
    }
    if (e != ERR_OK) {
        db_rollback(r->db);
        if (e == ERR_INVALID) {
            /* the page again, with what was typed and what is wrong (files must be chosen
             * again: a browser never refills a file input) */
            json_t *errors = r->fail.errors ? json_incref(r->fail.errors) : json_object();
            arena_defer(r->arena, decref, errors);
            if (!json_object_size(errors))
                json_object_set_new(errors, "body",
                                    json_pack("{s:[s]}", "messages",
                                              r->fail.message ? r->fail.message : ""));
            fail_init(&r->fail, r->arena, r->ctx.lang);
            struct my_state st = { .reply_errors = errors, .reply_body = body, .reply_answers = answers };
            return my_application(r, a, receipt, &st);
        }
        return e;
    }
    rc = db_commit(r->db);
    if (rc != DB_OK)
        return fail_set(&r->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
    return page_redirect(r, arena_printf(r->arena, "/my/%s?sent=1#thread", my_url_part(r, receipt)));
}
