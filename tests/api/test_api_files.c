/* In-process API tests: /k/v1/file.json through the real dispatcher and route table. Multipart
 * uploads built by hand (UTF-8 file names, binary content), broken and non-multipart bodies,
 * attaching upload keys to FILE fields (top level and in a subtable), downloads by the record's
 * download key (bytes, Content-Type, RFC 5987 Content-Disposition), access rules for tokens and
 * accounts, and how record updates keep, add and clear files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/harness.h"
#include "domain/ctx.h"

#define BOUNDARY "----madoguchiFormBoundary7MA4YWxkTrZu0gW"
#define MP_TYPE  "Content-Type: multipart/form-data; boundary=" BOUNDARY

static long app;

/* Content with a CRLF, a line that looks like a delimiter, a NUL and a non-UTF-8 byte. */
static const char payload[] = "こんにちは\r\n--" BOUNDARY "x\r\n\0\xff end";
#define PAYLOAD_LEN (sizeof(payload) - 1)

static int
setup(void **state)
{
    th_setup(state);
    app = th_app("{\"title\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"title\"},"
                 "\"att\":{\"type\":\"FILE\",\"code\":\"att\",\"label\":\"添付\"},"
                 "\"tbl\":{\"type\":\"SUBTABLE\",\"code\":\"tbl\",\"fields\":{"
                 "\"doc\":{\"type\":\"FILE\",\"code\":\"doc\"},"
                 "\"note\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"note\"}}}}");
    return 0;
}

/* One multipart/form-data body: an optional text part, then a part `name` with optional
 * filename and Content-Type. *len = its size; free() it. */
static char *
multipart(size_t *len, const char *name, const char *filename, const char *ctype, const void *data,
          size_t n)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    fprintf(f,
            "--%s\r\nContent-Disposition: form-data; name=\"__REQUEST_TOKEN__\"\r\n\r\n"
            "ignored\r\n",
            BOUNDARY);
    fprintf(f, "--%s\r\nContent-Disposition: form-data; name=\"%s\"", BOUNDARY, name);
    if (filename)
        fprintf(f, "; filename=\"%s\"", filename);
    fprintf(f, "\r\n");
    if (ctype)
        fprintf(f, "Content-Type: %s\r\n", ctype);
    fprintf(f, "\r\n");
    fwrite(data, 1, n, f);
    fprintf(f, "\r\n--%s--\r\n", BOUNDARY);
    fclose(f);
    return buf;
}

static const struct th_resp *
post_body(const char *body, size_t len, const char *ctype_header)
{
    const char *h[] = { ctype_header, NULL };
    return th_request_n("POST", "/k/v1/file.json", body, len, ctype_header ? h : NULL, 1);
}

/* Uploads and returns the upload key (static buffer, rotating). */
static const char *
upload_as(const char *const *headers, int auth, const char *filename, const void *data, size_t n)
{
    static char keys[4][80];
    static int slot;
    size_t len;
    char *body = multipart(&len, "file", filename, "text/plain", data, n);
    const struct th_resp *r = th_request_n("POST", "/k/v1/file.json", body, len, headers, auth);
    free(body);
    TH_EXPECT_STATUS(200);
    const char *k = th_str(r->json, "fileKey");
    assert_non_null(k);
    char *out = keys[slot++ % 4];
    snprintf(out, sizeof(keys[0]), "%s", k);
    return out;
}

static const char *
upload(const char *filename, const void *data, size_t n)
{
    static const char *const h[] = { MP_TYPE, NULL };
    return upload_as(h, 1, filename, data, n);
}

static long
add_record_with(const char *upload_key)
{
    const struct th_resp *r = th_sendq(
        "POST", "/k/v1/record.json",
        "{'app':%ld,'record':{'title':{'value':'添付あり'},'att':{'value':[{'fileKey':'%s'}]}}}",
        app, upload_key);
    TH_EXPECT_STATUS(200);
    return strtol(th_str(r->json, "id"), NULL, 10);
}

/* Download key of file i of record id's FILE field (static buffer, rotating). */
static const char *
download_key(long id, int i)
{
    static char keys[4][80];
    static int slot;
    char path[32];
    const struct th_resp *r = th_getf("/k/v1/record.json?app=%ld&id=%ld", app, id);
    TH_EXPECT_STATUS(200);
    snprintf(path, sizeof(path), "record.att.value.%d.fileKey", i);
    const char *k = th_str(r->json, path);
    assert_non_null(k);
    char *out = keys[slot++ % 4];
    snprintf(out, sizeof(keys[0]), "%s", k);
    return out;
}

static long
file_count(long id)
{
    const struct th_resp *r = th_getf("/k/v1/record.json?app=%ld&id=%ld", app, id);
    TH_EXPECT_STATUS(200);
    return th_count(r->json, "record.att.value");
}

static const char *
token_header(long app_id, unsigned perms)
{
    static char buf[4][128];
    static int slot;
    char *out = buf[slot++ % 4];
    snprintf(out, sizeof(buf[0]), "X-Cybozu-API-Token: %s", th_token(app_id, perms));
    return out;
}

static void
test_upload_attach_download(void **state)
{
    (void)state;
    const char *up = upload("日本語.txt", payload, PAYLOAD_LEN);
    assert_int_equal(strlen(up), 36); /* a UUID, like kintone's upload keys */
    char upkey[80];
    snprintf(upkey, sizeof(upkey), "%s", up);

    long id = add_record_with(upkey);
    const struct th_resp *r = th_getf("/k/v1/record.json?app=%ld&id=%ld", app, id);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "record.att.type"), "FILE");
    assert_int_equal(th_count(r->json, "record.att.value"), 1);
    assert_string_equal(th_str(r->json, "record.att.value.0.name"), "日本語.txt");
    assert_string_equal(th_str(r->json, "record.att.value.0.contentType"), "text/plain");
    char size[16];
    snprintf(size, sizeof(size), "%zu", PAYLOAD_LEN);
    assert_string_equal(th_str(r->json, "record.att.value.0.size"), size); /* a string */
    const char *dl = th_str(r->json, "record.att.value.0.fileKey");
    assert_non_null(dl);
    assert_string_not_equal(dl, upkey); /* the download key is another key */
    char dlkey[80];
    snprintf(dlkey, sizeof(dlkey), "%s", dl);

    r = th_getf("/k/v1/file.json?fileKey=%s", dlkey);
    TH_EXPECT_STATUS(200);
    assert_int_equal(r->len, PAYLOAD_LEN);
    assert_memory_equal(r->body, payload, PAYLOAD_LEN);
    assert_string_equal(r->content_type, "text/plain");
    const char *cd = th_resp_header("Content-Disposition");
    assert_non_null(cd);
    assert_non_null(strstr(cd, "attachment"));
    assert_non_null(strstr(cd, "filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E.txt"));
    assert_string_equal(th_resp_header("X-Content-Type-Options"), "nosniff");

    /* a token of the record's app with view rights may download it */
    char url[160];
    snprintf(url, sizeof(url), "/k/v1/file.json?fileKey=%s", dlkey);
    const char *h[] = { token_header(app, ACL_VIEW), NULL };
    r = th_request("GET", url, NULL, h, 0);
    TH_EXPECT_STATUS(200);
    assert_memory_equal(r->body, payload, PAYLOAD_LEN);
    /* so may an ordinary account (record view rights) */
    th_user("viewer", "viewer-password-1", 0);
    const char *hu[] = { th_auth_header("viewer", "viewer-password-1"), NULL };
    r = th_request("GET", url, NULL, hu, 0);
    TH_EXPECT_STATUS(200);

    /* the file is in the records list too */
    r = th_getf("/k/v1/records.json?app=%ld&query=%%24id%%20%%3D%%20%ld&fields%%5B0%%5D=att", app,
                id);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "records.0.att.value.0.fileKey"), dlkey);
}

static void
test_upload_errors(void **state)
{
    (void)state;
    size_t len;
    char *body;

    /* no part named "file" */
    body = multipart(&len, "attachment", "a.txt", "text/plain", "abc", 3);
    post_body(body, len, MP_TYPE);
    free(body);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("file");
    /* a "file" part that is a plain field (no filename) */
    body = multipart(&len, "file", NULL, NULL, "abc", 3);
    post_body(body, len, MP_TYPE);
    free(body);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("file");
    /* only the text part */
    {
        static const char only[] = "--" BOUNDARY "\r\nContent-Disposition: form-data; "
                                   "name=\"x\"\r\n\r\nv\r\n--" BOUNDARY "--\r\n";
        post_body(only, sizeof(only) - 1, MP_TYPE);
        TH_EXPECT_ERROR(400, "CB_VA01");
        TH_EXPECT_KEY("file");
    }
    /* broken multipart: truncated (no close delimiter) */
    body = multipart(&len, "file", "a.txt", "text/plain", "abc", 3);
    post_body(body, len - 12, MP_TYPE);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("file");
    /* boundary in the header does not match the body */
    post_body(body, len, "Content-Type: multipart/form-data; boundary=other-boundary");
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("file");
    /* no boundary parameter */
    post_body(body, len, "Content-Type: multipart/form-data");
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("file");
    /* not multipart at all */
    post_body(body, len, "Content-Type: application/octet-stream");
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("file");
    post_body(body, len, NULL);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("file");
    free(body);
    {
        static const char json[] = "{\"file\":\"abc\"}";
        post_body(json, sizeof(json) - 1, "Content-Type: application/json");
        TH_EXPECT_ERROR(400, "CB_VA01");
        TH_EXPECT_KEY("file");
    }
    /* garbage */
    post_body("garbage", 7, MP_TYPE);
    TH_EXPECT_ERROR(400, "CB_VA01");
    post_body("", 0, MP_TYPE);
    TH_EXPECT_ERROR(400, "CB_VA01");
    /* a header block with a bare LF */
    {
        static const char bad[] =
            "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; "
            "filename=\"a.txt\"\nX: y\r\n\r\nabc\r\n--" BOUNDARY "--\r\n";
        post_body(bad, sizeof(bad) - 1, MP_TYPE);
        TH_EXPECT_ERROR(400, "CB_VA01");
    }
    /* unusable file names */
    body = multipart(&len, "file", "..", "text/plain", "abc", 3);
    post_body(body, len, MP_TYPE);
    free(body);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("file");
    body = multipart(&len, "file", "", "text/plain", "abc", 3);
    post_body(body, len, MP_TYPE);
    free(body);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("file");
    body = multipart(&len, "file", "bad\xff.txt", "text/plain", "abc", 3);
    post_body(body, len, MP_TYPE);
    free(body);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("file");

    /* credentials are checked */
    body = multipart(&len, "file", "a.txt", "text/plain", "abc", 3);
    const char *h[] = { MP_TYPE, NULL };
    th_request_n("POST", "/k/v1/file.json", body, len, h, 0);
    free(body);
    TH_EXPECT_ERROR(401, "CB_AU01");
    /* wrong method */
    th_request("PUT", "/k/v1/file.json", NULL, NULL, 1);
    TH_EXPECT_ERROR(405, "CB_UR02");
}

static void
test_upload_names_and_types(void **state)
{
    (void)state;
    /* path components are stripped from the file name (old browsers send C:\...) */
    long id = add_record_with(upload("C:\\Users\\taro\\申請書.pdf", "%PDF-1.4\n", 9));
    const struct th_resp *r = th_getf("/k/v1/record.json?app=%ld&id=%ld", app, id);
    assert_string_equal(th_str(r->json, "record.att.value.0.name"), "申請書.pdf");
    /* RFC 5987 filename* wins over filename */
    size_t len;
    char *buf = NULL;
    FILE *f = open_memstream(&buf, &len);
    fprintf(f,
            "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"fallback.txt\"; "
            "filename*=UTF-8''%%E5%%B1%%8A%%E5%%87%%BA.txt\r\nContent-Type: text/plain\r\n\r\nx\r\n"
            "--%s--\r\n",
            BOUNDARY, BOUNDARY);
    fclose(f);
    r = post_body(buf, len, MP_TYPE);
    free(buf);
    TH_EXPECT_STATUS(200);
    char key[80];
    snprintf(key, sizeof(key), "%s", th_str(r->json, "fileKey"));
    id = add_record_with(key);
    r = th_getf("/k/v1/record.json?app=%ld&id=%ld", app, id);
    assert_string_equal(th_str(r->json, "record.att.value.0.name"), "届出.txt");

    /* an empty file */
    id = add_record_with(upload("empty.txt", "", 0));
    r = th_getf("/k/v1/record.json?app=%ld&id=%ld", app, id);
    assert_string_equal(th_str(r->json, "record.att.value.0.size"), "0");
    r = th_getf("/k/v1/file.json?fileKey=%s", download_key(id, 0));
    TH_EXPECT_STATUS(200);
    assert_int_equal(r->len, 0);

    /* no usable client type: the content decides (a PNG signature) */
    static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0,   0, 0, 13,
                                         'I',  'H', 'D', 'R', 0,    0,    0,    1,    0,   0, 0, 1,
                                         8,    6,   0,   0,   0,    0x1f, 0x15, 0xc4, 0x89 };
    buf = multipart(&len, "file", "image", "application/octet-stream", png, sizeof(png));
    r = post_body(buf, len, MP_TYPE);
    free(buf);
    TH_EXPECT_STATUS(200);
    snprintf(key, sizeof(key), "%s", th_str(r->json, "fileKey"));
    id = add_record_with(key);
    r = th_getf("/k/v1/record.json?app=%ld&id=%ld", app, id);
    assert_string_equal(th_str(r->json, "record.att.value.0.contentType"), "image/png");
    /* a header-injection attempt in the part type is not echoed */
    buf = multipart(&len, "file", "x.txt", "text/plain\x01injected", "abc", 3);
    r = post_body(buf, len, MP_TYPE);
    free(buf);
    if (r->status == 200) {
        snprintf(key, sizeof(key), "%s", th_str(r->json, "fileKey"));
        id = add_record_with(key);
        r = th_getf("/k/v1/file.json?fileKey=%s", download_key(id, 0));
        TH_EXPECT_STATUS(200);
        assert_null(strstr(r->content_type, "injected"));
    } else {
        TH_EXPECT_ERROR(400, "CB_VA01");
    }
}

static void
test_download_errors(void **state)
{
    (void)state;
    const struct th_resp *r = th_get("/k/v1/file.json?fileKey=20240101000000ABCDEF0123456789");
    TH_EXPECT_ERROR(404, "GAIA_BL01");
    assert_non_null(strstr(th_str(r->json, "message"), "20240101000000ABCDEF0123456789"));
    char longkey[200];
    memset(longkey, 'A', 150);
    longkey[150] = '\0';
    th_getf("/k/v1/file.json?fileKey=%s", longkey);
    TH_EXPECT_ERROR(404, "GAIA_BL01");
    th_get("/k/v1/file.json");
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("fileKey");
    th_get("/k/v1/file.json?fileKey=");
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("fileKey");

    long id = add_record_with(upload("秘密.txt", "secret", 6));
    char url[160];
    snprintf(url, sizeof(url), "/k/v1/file.json?fileKey=%s", download_key(id, 0));
    th_request("GET", url, NULL, NULL, 0);
    TH_EXPECT_ERROR(401, "CB_AU01");
    /* a token of another app cannot download a file attached in this one */
    long other = th_app("{}");
    const char *h[] = { token_header(other, ACL_ALL), NULL };
    th_request("GET", url, NULL, h, 0);
    TH_EXPECT_ERROR(400, "GAIA_IA02");
    /* a token of this app without view rights */
    const char *ha[] = { token_header(app, ACL_ADD), NULL };
    th_request("GET", url, NULL, ha, 0);
    TH_EXPECT_ERROR(403, "CB_NO02");
    /* both tokens together: the app's own token counts */
    char both[256];
    snprintf(both, sizeof(both), "X-Cybozu-API-Token: %s,%s", th_token(other, ACL_VIEW),
             th_token(app, ACL_VIEW));
    const char *hb[] = { both, NULL };
    th_request("GET", url, NULL, hb, 0);
    TH_EXPECT_STATUS(200);

    /* an upload not attached yet belongs to whoever uploaded it */
    th_user("uploader", "uploader-password", 0);
    th_user("someone", "someone-password", 0);
    const char *hu[] = { th_auth_header("uploader", "uploader-password"), MP_TYPE, NULL };
    const char *key = upload_as(hu, 0, "下書き.txt", "draft", 5);
    snprintf(url, sizeof(url), "/k/v1/file.json?fileKey=%s", key);
    const char *hs[] = { th_auth_header("someone", "someone-password"), NULL };
    th_request("GET", url, NULL, hs, 0);
    TH_EXPECT_ERROR(403, "CB_NO02");
    const char *hown[] = { th_auth_header("uploader", "uploader-password"), NULL };
    th_request("GET", url, NULL, hown, 0);
    TH_EXPECT_STATUS(200);
}

static void
test_record_file_updates(void **state)
{
    (void)state;
    long id = add_record_with(upload("一.txt", "one", 3));
    char first[80];
    snprintf(first, sizeof(first), "%s", download_key(id, 0));

    /* sending the download key back keeps the file (same key, same content) */
    const struct th_resp *r = th_sendq(
        "PUT", "/k/v1/record.json",
        "{'app':%ld,'id':%ld,'record':{'att':{'value':[{'fileKey':'%s'}]}}}", app, id, first);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "revision"), "2");
    assert_int_equal(file_count(id), 1);
    assert_string_equal(download_key(id, 0), first);
    r = th_getf("/k/v1/file.json?fileKey=%s", first);
    TH_EXPECT_STATUS(200);
    assert_memory_equal(r->body, "one", 3);

    /* kept file plus a new upload */
    const char *up = upload("二.txt", "two", 3);
    th_sendq("PUT", "/k/v1/record.json",
             "{'app':%ld,'id':%ld,'record':{'att':{'value':[{'fileKey':'%s'},{'fileKey':'%s'}]}}}",
             app, id, first, up);
    TH_EXPECT_STATUS(200);
    assert_int_equal(file_count(id), 2);
    assert_string_equal(download_key(id, 0), first);
    char second[80];
    snprintf(second, sizeof(second), "%s", download_key(id, 1));
    r = th_getf("/k/v1/file.json?fileKey=%s", second);
    TH_EXPECT_STATUS(200);
    assert_memory_equal(r->body, "two", 3);
    /* the same key twice in one value is attached once */
    up = upload("三.txt", "three", 5);
    th_sendq("PUT", "/k/v1/record.json",
             "{'app':%ld,'id':%ld,'record':{'att':{'value':[{'fileKey':'%s'},{'fileKey':'%s'},"
             "{'fileKey':'%s'}]}}}",
             app, id, second, up, up);
    TH_EXPECT_STATUS(200);
    assert_int_equal(file_count(id), 2);
    assert_string_equal(download_key(id, 0), second);

    /* an update without the field keeps the files */
    th_sendq("PUT", "/k/v1/record.json", "{'app':%ld,'id':%ld,'record':{'title':{'value':'改'}}}",
             app, id);
    TH_EXPECT_STATUS(200);
    assert_int_equal(file_count(id), 2);

    /* a download key of another record is not a key this record may take */
    long other = add_record_with(upload("他.txt", "other", 5));
    char foreign[80];
    snprintf(foreign, sizeof(foreign), "%s", download_key(other, 0));
    th_sendq("PUT", "/k/v1/record.json",
             "{'app':%ld,'id':%ld,'record':{'att':{'value':[{'fileKey':'%s'}]}}}", app, id,
             foreign);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("record.att.value[0].fileKey");
    /* nor is an unknown key; nothing changed */
    th_sendq(
        "PUT", "/k/v1/record.json",
        "{'app':%ld,'id':%ld,'record':{'att':{'value':[{'fileKey':'%s'},{'fileKey':'nosuch'}]}}}",
        app, id, second);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("record.att.value[1].fileKey");
    th_sendq("POST", "/k/v1/record.json",
             "{'app':%ld,'record':{'att':{'value':[{'fileKey':'00000000-0000-4000-8000-"
             "000000000000'}]}}}",
             app);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("record.att.value[0].fileKey");
    th_sendq("POST", "/k/v1/record.json", "{'app':%ld,'record':{'att':{'value':'%s'}}}", app,
             first);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("record.att.value");
    assert_int_equal(file_count(id), 2);

    /* [] clears them */
    r = th_sendq("PUT", "/k/v1/record.json", "{'app':%ld,'id':%ld,'record':{'att':{'value':[]}}}",
                 app, id);
    TH_EXPECT_STATUS(200);
    assert_int_equal(file_count(id), 0);
}

static void
test_file_in_subtable(void **state)
{
    (void)state;
    const char *up = upload("明細.csv", "a,b\n1,2\n", 8);
    const struct th_resp *r = th_sendq(
        "POST", "/k/v1/record.json",
        "{'app':%ld,'record':{'tbl':{'value':[{'value':{'doc':{'value':[{'fileKey':'%s'}]},"
        "'note':{'value':'一行目'}}}]}}}",
        app, up);
    TH_EXPECT_STATUS(200);
    long id = strtol(th_str(r->json, "id"), NULL, 10);
    r = th_getf("/k/v1/record.json?app=%ld&id=%ld", app, id);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "record.tbl.value.0.value.doc.value.0.name"), "明細.csv");
    char dl[80], row[32];
    snprintf(dl, sizeof(dl), "%s", th_str(r->json, "record.tbl.value.0.value.doc.value.0.fileKey"));
    snprintf(row, sizeof(row), "%s", th_str(r->json, "record.tbl.value.0.id"));
    r = th_getf("/k/v1/file.json?fileKey=%s", dl);
    TH_EXPECT_STATUS(200);
    assert_memory_equal(r->body, "a,b\n1,2\n", 8);
    /* the row keeps its file when sent back with its key */
    th_sendq("PUT", "/k/v1/record.json",
             "{'app':%ld,'id':%ld,'record':{'tbl':{'value':[{'id':'%s','value':{"
             "'doc':{'value':[{'fileKey':'%s'}]},'note':{'value':'改'}}}]}}}",
             app, id, row, dl);
    TH_EXPECT_STATUS(200);
    r = th_getf("/k/v1/record.json?app=%ld&id=%ld", app, id);
    assert_string_equal(th_str(r->json, "record.tbl.value.0.value.doc.value.0.fileKey"), dl);
    assert_string_equal(th_str(r->json, "record.tbl.value.0.value.note.value"), "改");
    th_sendq(
        "POST", "/k/v1/record.json",
        "{'app':%ld,'record':{'tbl':{'value':[{'value':{'doc':{'value':[{'fileKey':'x'}]}}}]}}}",
        app);
    TH_EXPECT_ERROR(400, "CB_VA01");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upload_attach_download), cmocka_unit_test(test_upload_errors),
        cmocka_unit_test(test_upload_names_and_types), cmocka_unit_test(test_download_errors),
        cmocka_unit_test(test_record_file_updates),    cmocka_unit_test(test_file_in_subtable),
    };
    return cmocka_run_group_tests_name(th_backend(), tests, setup, th_teardown);
}
