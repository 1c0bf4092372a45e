/* Unit tests for src/pdf: every element type and format rendered and checked with
 * poppler-utils and qpdf (text in order, embedded subset IPAex fonts only, structure, page
 * counts, images), a raster compared with a committed reference, a background PDF drawn as
 * vectors, overflow and template errors, conditions, check marks, QR, PNG previews and file
 * names. The tools are required: a missing one fails the tests.
 * PDF_REF_UPDATE=1 rewrites tests/unit/pdf_ref/permit.png from the current output. */
#include "core/arena.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/blob.h"
#include "domain/ctx.h"
#include "pdf/pdf.h"
#include "pdf/pdf_int.h"
#include "sec/sec.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#define REF_DIR "tests/unit/pdf_ref"

static char tmproot[64];
static struct sec_key *key;
static struct db *db;
static char png_hash[BLOB_HASH_LEN + 1], jpeg_hash[BLOB_HASH_LEN + 1], bg_hash[BLOB_HASH_LEN + 1];
static json_t *props;

struct fx {
    struct arena *a;
    struct fail f;
    struct ctx c;
};

static struct fx *
fx_new(void)
{
    struct fx *x = calloc(1, sizeof(*x));
    x->a = arena_new();
    fail_init(&x->f, x->a, LANG_JA);
    x->c = (struct ctx){ .arena = x->a, .db = db, .fail = &x->f, .now = 1775000000 };
    x->c.who.login = "tester";
    return x;
}

static void
fx_free(struct fx *x)
{
    arena_free(x->a);
    free(x);
}

static int
setup(void **state)
{
    *state = fx_new();
    return 0;
}

static int
teardown(void **state)
{
    fx_free(*state);
    return 0;
}

/* The strbuf's bytes as a malloc'd string (an empty strbuf's buffer is static). */
static char *
heap_copy(struct strbuf *sb)
{
    char *p = malloc(sb->len + 1);
    memcpy(p, sb->buf, sb->len + 1);
    strbuf_release(sb);
    return p;
}

/* Output of a shell command (heap); *status its exit status. */
static char *
run(const char *cmd, int *status)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    struct strbuf sb;
    strbuf_init(&sb, NULL, 64u << 20);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
        strbuf_add(&sb, buf, n);
    int st = pclose(p);
    if (status)
        *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return heap_copy(&sb);
}

static void
need_tool(const char *name)
{
    char cmd[128];
    int st;
    snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
    free(run(cmd, &st));
    if (st != 0) {
        print_error("%s is missing: install poppler-utils and qpdf (scripts/deps.sh --test)\n",
                    name);
        fail();
    }
}

static void
write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static char *
read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct strbuf sb;
    strbuf_init(&sb, NULL, 64u << 20);
    char buf[4096];
    size_t k;
    while ((k = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_add(&sb, buf, k);
    fclose(f);
    *n = sb.len;
    return heap_copy(&sb);
}

/* The needles appear in text in this order. */
static void
assert_in_order(const char *text, const char *const *needles)
{
    const char *p = text;
    for (; *needles; needles++) {
        const char *q = strstr(p, *needles);
        if (!q) {
            print_error("missing (in order) \"%s\" in:\n%s\n", *needles, text);
            fail();
        }
        p = q + strlen(*needles);
    }
}

static char *
tmp_path(const char *name)
{
    static char path[4][256];
    static int i;
    i = (i + 1) % 4;
    snprintf(path[i], sizeof(path[i]), "%s/%s", tmproot, name);
    return path[i];
}

static json_t *
js(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (!j)
        print_error("json: %s at %d\n", e.text, e.line);
    assert_non_null(j);
    return j;
}

/* ---- fixtures: images and a background PDF made here ---- */

static cairo_status_t
sb_write(void *arg, const unsigned char *data, unsigned int len)
{
    strbuf_add(arg, data, len);
    return CAIRO_STATUS_SUCCESS;
}

static void
put_blob(const void *p, size_t n, char hash[BLOB_HASH_LEN + 1])
{
    struct fx *x = fx_new();
    assert_int_equal(blob_put(&x->c, p, n, hash), ERR_OK);
    fx_free(x);
}

/* A frame and a title drawn with pango in IPAex Gothic: the official form. */
static void
make_background(struct strbuf *sb)
{
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(sb_write, sb, 595.28, 841.89);
    cairo_t *cr = cairo_create(s);
    cairo_set_line_width(cr, 1.5);
    cairo_rectangle(cr, 28, 28, 539, 785);
    cairo_stroke(cr);
    PangoLayout *l = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = pango_font_description_from_string("IPAexGothic 9");
    pango_layout_set_font_description(l, fd);
    pango_layout_set_text(l, "様式第一号（第三条関係）", -1);
    cairo_move_to(cr, 34, 32);
    pango_cairo_show_layout(cr, l);
    pango_font_description_free(fd);
    g_object_unref(l);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_surface_destroy(s);
}

static void
make_png(struct strbuf *sb)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 60, 60);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0.8, 0, 0);
    cairo_arc(cr, 30, 30, 28, 0, 6.3);
    cairo_set_line_width(cr, 4);
    cairo_stroke(cr);
    cairo_destroy(cr);
    assert_int_equal(cairo_surface_write_to_png_stream(s, sb_write, sb), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
}

static int
setup_all(void **state)
{
    (void)state;
    char *err = NULL;
    if (sec_init() < 0)
        return -1;
    strcpy(tmproot, "/tmp/mado-test-pdf-XXXXXX");
    if (!mkdtemp(tmproot))
        return -1;
    uint8_t raw[SEC_KEY_BYTES];
    memset(raw, 0x33, sizeof(raw));
    if (sec_key_from_bytes(raw, &key) != ERR_OK)
        return -1;
    if (db_open(":memory:", &db, &err) != DB_OK || db_migrate(db, &err) != DB_OK) {
        fprintf(stderr, "db: %s\n", err ? err : "?");
        free(err);
        return -1;
    }
    char dir[128];
    snprintf(dir, sizeof(dir), "%s/blobs", tmproot);
    if (blob_init(dir, key) != 0)
        return -1;
    struct strbuf sb;
    strbuf_init(&sb, NULL, 0);
    make_background(&sb);
    put_blob(sb.buf, sb.len, bg_hash);
    write_file(tmp_path("bg.pdf"), sb.buf, sb.len);
    strbuf_reset(&sb);
    make_png(&sb);
    put_blob(sb.buf, sb.len, png_hash);
    strbuf_release(&sb);
    /* a real JPEG without a JPEG encoder of our own: poppler-utils makes one */
    char cmd[512];
    int st;
    snprintf(cmd, sizeof(cmd), "pdftoppm -jpeg -r 10 -singlefile '%s/bg.pdf' '%s/seal' 2>&1",
             tmproot, tmproot);
    free(run(cmd, &st));
    size_t n;
    char *jpg = read_file(tmp_path("seal.jpg"), &n);
    if (st != 0 || !jpg) {
        fprintf(stderr, "pdftoppm is missing (poppler-utils)\n");
        return -1;
    }
    put_blob(jpg, n, jpeg_hash);
    free(jpg);
    props = js("{"
               "\"文書番号\":{\"type\":\"SINGLE_LINE_TEXT\"},"
               "\"申請者\":{\"type\":\"SINGLE_LINE_TEXT\"},"
               "\"決裁日\":{\"type\":\"DATE\"},"
               "\"受付日時\":{\"type\":\"DATETIME\"},"
               "\"許可条件\":{\"type\":\"MULTI_LINE_TEXT\"},"
               "\"用途\":{\"type\":\"RADIO_BUTTON\"},"
               "\"設備\":{\"type\":\"CHECK_BOX\"},"
               "\"面積\":{\"type\":\"NUMBER\"},"
               "\"番号\":{\"type\":\"NUMBER\"},"
               "\"棟数\":{\"type\":\"NUMBER\"},"
               "\"決裁区分\":{\"type\":\"DROP_DOWN\"},"
               "\"担当\":{\"type\":\"USER_SELECT\"},"
               "\"建築物\":{\"type\":\"SUBTABLE\",\"fields\":{"
               "\"棟名\":{\"type\":\"SINGLE_LINE_TEXT\"},\"延べ面積\":{\"type\":\"NUMBER\"}}}}");
    return 0;
}

static int
teardown_all(void **state)
{
    (void)state;
    json_decref(props);
    db_close(db);
    blob_shutdown();
    sec_key_free(key);
    pdf_shutdown();
    if (getenv("PDF_KEEP")) {
        fprintf(stderr, "kept %s\n", tmproot);
        return 0;
    }
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmproot);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- records and templates ---- */

static json_t *
record_data(size_t table_rows, const char *kubun)
{
    json_t *d = js("{\"文書番号\":\"世田谷建第100号\",\"申請者\":\"山田太郎\","
                   "\"決裁日\":\"2026-04-01\","
                   "\"許可条件\":\"工事中は近隣に配慮し、騒音・振動を抑えること。作業時間は午前8時から午後6時までとする。\","
                   "\"用途\":\"住宅\",\"設備\":[\"給水\",\"排水\"],\"面積\":1234.5,\"番号\":12,"
                   "\"棟数\":25,\"担当\":[{\"code\":\"sato\",\"name\":\"佐藤一郎\"}]}");
    json_object_set_new(d, "決裁区分", json_string(kubun));
    json_t *rows = json_array();
    for (size_t i = 0; i < table_rows; i++) {
        json_t *v = json_object();
        char name[32];
        snprintf(name, sizeof(name), "第%zu棟", i + 1);
        json_object_set_new(v, "棟名", json_string(name));
        json_object_set_new(v, "延べ面積", i == 0 ? json_real(1234.5) : json_integer((json_int_t)(100 + i)));
        json_array_append_new(rows, json_pack("{s:I,s:o}", "id", (json_int_t)(i + 1), "value", v));
    }
    json_object_set_new(d, "建築物", rows);
    return d;
}

/* Every element type and format. */
static json_t *
permit_template(void)
{
    char *t = NULL;
    int n = asprintf(&t, "{\"code\":\"kyoka\",\"name\":\"許可書\",\"font\":\"mincho\",\"size\":10.5,"
        "\"fileName\":\"{文書番号}_{帳票名}_{決裁日:yyyymmdd}.pdf\","
        "\"elements\":["
        "{\"type\":\"text\",\"x\":20,\"y\":15,\"w\":170,\"text\":\"建築許可書\",\"size\":20,\"align\":\"center\",\"font\":\"gothic\",\"bold\":true},"
        "{\"type\":\"text\",\"x\":130,\"y\":30,\"field\":\"文書番号\"},"
        "{\"type\":\"text\",\"x\":130,\"y\":36,\"field\":\"決裁日\",\"format\":{\"date\":\"wareki\"}},"
        "{\"type\":\"text\",\"x\":130,\"y\":42,\"field\":\"決裁日\",\"format\":{\"date\":\"wareki-kanji\"}},"
        "{\"type\":\"text\",\"x\":20,\"y\":48,\"field\":\"決裁日\",\"format\":{\"date\":\"yyyy年m月d日\"}},"
        "{\"type\":\"text\",\"x\":20,\"y\":54,\"field\":\"決裁日\",\"format\":{\"date\":\"yyyy/mm/dd\"}},"
        "{\"type\":\"text\",\"x\":20,\"y\":60,\"field\":\"決裁日\",\"format\":{\"date\":\"yyyymmdd\"}},"
        "{\"type\":\"text\",\"x\":20,\"y\":66,\"field\":\"面積\",\"format\":{\"number\":{\"separator\":true,\"decimals\":2,\"unit\":\"㎡\"}}},"
        "{\"type\":\"text\",\"x\":20,\"y\":72,\"field\":\"棟数\",\"format\":{\"number\":{\"kanji\":true},\"suffix\":\"棟\"}},"
        "{\"type\":\"text\",\"x\":20,\"y\":78,\"field\":\"番号\",\"format\":{\"pad\":4,\"prefix\":\"世都計第\",\"suffix\":\"号\"}},"
        "{\"type\":\"text\",\"x\":20,\"y\":84,\"text\":\"申請者 {申請者} 様（受付 {$receiptNo}・担当 {担当}・設備 {設備}）\"},"
        "{\"type\":\"textbox\",\"x\":20,\"y\":92,\"w\":60,\"h\":20,\"field\":\"許可条件\",\"minSize\":6},"
        "{\"type\":\"check\",\"x\":100,\"y\":100,\"field\":\"用途\",\"value\":\"住宅\"},"
        "{\"type\":\"check\",\"x\":110,\"y\":100,\"field\":\"設備\",\"value\":\"排水\",\"mark\":\"○\"},"
        "{\"type\":\"check\",\"x\":120,\"y\":100,\"field\":\"用途\",\"value\":\"店舗\",\"mark\":\"×\"},"
        "{\"type\":\"check\",\"x\":130,\"y\":100,\"field\":\"設備\",\"value\":\"給水\",\"mark\":\"■\"},"
        "{\"type\":\"line\",\"x\":20,\"y\":116,\"x2\":190,\"y2\":116,\"width\":0.3},"
        "{\"type\":\"rect\",\"x\":150,\"y\":92,\"w\":40,\"h\":20,\"fill\":\"#eeeeee\"},"
        "{\"type\":\"text\",\"x\":20,\"y\":120,\"text\":\"許可の条件があります\",\"if\":{\"field\":\"決裁区分\",\"op\":\"eq\",\"value\":\"許可\"}},"
        "{\"type\":\"text\",\"x\":20,\"y\":126,\"text\":\"教示：この処分に不服がある場合は審査請求ができます\",\"if\":{\"field\":\"決裁区分\",\"op\":\"eq\",\"value\":\"不許可\"}},"
        "{\"type\":\"table\",\"x\":20,\"y\":135,\"field\":\"建築物\",\"bottom\":230,"
        " \"columns\":[{\"field\":\"棟名\",\"title\":\"棟\",\"w\":40},{\"field\":\"延べ面積\",\"title\":\"延べ面積\",\"w\":50,\"align\":\"right\","
        "  \"format\":{\"number\":{\"separator\":true,\"decimals\":2,\"unit\":\"㎡\"}}}]},"
        "{\"type\":\"image\",\"x\":160,\"y\":240,\"w\":25,\"h\":25,\"file\":\"%s\"},"
        "{\"type\":\"image\",\"x\":130,\"y\":240,\"w\":25,\"h\":25,\"file\":\"%s\"},"
        "{\"type\":\"qr\",\"x\":20,\"y\":240,\"size\":25,\"code\":true},"
        "{\"type\":\"pageNumber\",\"x\":105,\"y\":285,\"align\":\"center\",\"pages\":\"all\",\"format\":\"{page}／{pages}\"},"
        "{\"type\":\"text\",\"x\":20,\"y\":278,\"text\":\"以上\",\"pages\":\"last\"}"
        "]}", png_hash, jpeg_hash);
    assert_true(n > 0);
    json_t *j = js(t);
    free(t);
    return j;
}

struct doc {
    json_t *data;
    struct pdf_record rec;
    struct pdf_job job;
};

static void
doc_init(struct doc *d, json_t *def, size_t rows, const char *kubun)
{
    d->data = record_data(rows, kubun);
    d->rec = (struct pdf_record){ .id = 42, .data = d->data, .receipt_no = "R8-000123",
                                  .verify_code = "K7Q2-M9XA" };
    d->job = (struct pdf_job){ .def = def, .props = props, .records = &d->rec, .nrecords = 1,
                               .verify_base = "https://madoguchi.example.jp/verify/",
                               .today = 20544 /* 2026-04-01 */ };
}

static void
render_to(struct fx *x, const struct pdf_job *job, const char *path)
{
    struct strbuf out;
    strbuf_init(&out, NULL, 0);
    enum err e = pdf_render(&x->c, job, &out);
    if (e != ERR_OK && x->f.errors) {
        char *s = json_dumps(x->f.errors, 0);
        print_error("render: %s\n", s);
        free(s);
    }
    assert_int_equal(e, ERR_OK);
    assert_true(out.len > 1000);
    assert_memory_equal(out.buf, "%PDF-", 5);
    write_file(path, out.buf, out.len);
    strbuf_release(&out);
}

/* "<pre> '<path>' <post>" */
static char *
tool3(const char *pre, const char *path, const char *post, int *status)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "%s '%s' %s", pre, path, post);
    return run(cmd, status);
}

static int
page_count(const char *path)
{
    int st;
    char *info = tool3("pdfinfo", path, "2>&1", &st);
    assert_int_equal(st, 0);
    const char *p = strstr(info, "Pages:");
    assert_non_null(p);
    int n = atoi(p + 6);
    free(info);
    return n;
}

/* Every font listed by pdffonts is an embedded subset of IPAex Mincho or Gothic (others:
 * that many fonts of a background PDF are allowed, embedded subsets too). */
static void
assert_fonts_ipaex(const char *path, int others)
{
    int st;
    char *out = tool3("pdffonts", path, "2>&1", &st);
    assert_int_equal(st, 0);
    int fonts = 0;
    char *save = NULL;
    int line = 0;
    for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save), line++) {
        if (line < 2)
            continue; /* header and dashes */
        fonts++;
        char name[256], type1[64], type2[64], enc[64], emb[8], sub[8];
        /* name type... encoding emb sub uni object ID */
        int n = sscanf(l, "%255s %63s %63s %63s %7s %7s", name, type1, type2, enc, emb, sub);
        assert_true(n == 6);
        if (!strstr(name, "+IPAex") && others-- <= 0) {
            print_error("not an IPAex subset: %s\n", l);
            fail();
        }
        /* "CID TrueType Identity-H yes yes" or "TrueType WinAnsi yes yes" */
        const char *e = strstr(l, " yes yes ");
        if (!e) {
            print_error("not embedded as a subset: %s\n", l);
            fail();
        }
    }
    assert_true(fonts >= 1);
    free(out);
}

/* ---- tests ---- */

static void
test_tools_present(void **state)
{
    (void)state;
    need_tool("pdftotext");
    need_tool("pdffonts");
    need_tool("pdfinfo");
    need_tool("pdftoppm");
    need_tool("pdfimages");
    need_tool("qpdf");
}

static void
test_template_ok(void **state)
{
    struct fx *x = *state;
    json_t *def = permit_template();
    enum err e = pdf_template_check(&x->c, def, props);
    if (e != ERR_OK) {
        char *s = json_dumps(x->f.errors, 0);
        print_error("check: %s\n", s);
        free(s);
    }
    assert_int_equal(e, ERR_OK);
    json_decref(def);
}

static void
test_permit(void **state)
{
    struct fx *x = *state;
    struct doc d;
    json_t *def = permit_template();
    doc_init(&d, def, 3, "許可");
    const char *path = tmp_path("permit.pdf");
    render_to(x, &d.job, path);
    int st;
    char *text = tool3("pdftotext -layout", path, "- 2>&1", &st);
    assert_int_equal(st, 0);
    const char *const order[] = {
        "建築許可書", "世田谷建第100号", "令和8年4月1日", "令和八年四月一日", "2026年4月1日",
        "2026/04/01", "20260401", "1,234.50㎡", "二十五棟", "世都計第0012号",
        "申請者 山田太郎 様（受付 R8-000123・担当 佐藤一郎・設備 給水、排水）",
        "許可の条件があります", "棟", "延べ面積", "第1棟", "1,234.50㎡", "第2棟", "101.00㎡",
        "第3棟", "102.00㎡", "K7Q2-M9XA", "以上", "1／1", NULL,
    };
    assert_in_order(text, order);
    /* the text box wraps: its words are there, over several lines */
    assert_non_null(strstr(text, "工事中は"));
    assert_non_null(strstr(text, "とする。"));
    assert_null(strstr(text, "教示"));
    free(text);
    assert_fonts_ipaex(path, 0);
    free(tool3("qpdf --check", path, ">/dev/null 2>&1", &st));
    assert_int_equal(st, 0);
    assert_int_equal(page_count(path), 1);
    /* both images embedded: the JPEG as is (DCT), the PNG decoded */
    char *imgs = tool3("pdfimages -list", path, "2>&1", &st);
    assert_int_equal(st, 0);
    assert_non_null(strstr(imgs, "jpeg"));
    assert_non_null(strstr(imgs, " image "));
    free(imgs);
    json_decref(d.data);
    json_decref(def);
}

static void
test_condition_hidden_shown(void **state)
{
    struct fx *x = *state;
    struct doc d;
    json_t *def = permit_template();
    doc_init(&d, def, 1, "不許可");
    const char *path = tmp_path("refused.pdf");
    render_to(x, &d.job, path);
    int st;
    char *text = tool3("pdftotext -layout", path, "- 2>&1", &st);
    assert_non_null(strstr(text, "教示：この処分に不服がある場合は審査請求ができます"));
    assert_null(strstr(text, "許可の条件があります"));
    free(text);
    json_decref(d.data);
    json_decref(def);
}

/* Pixels of a PNG; caller destroys. */
static cairo_surface_t *
png_surface(const char *path)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    return s;
}

static double
differing_share(cairo_surface_t *a, cairo_surface_t *b)
{
    int w = cairo_image_surface_get_width(a), h = cairo_image_surface_get_height(a);
    assert_int_equal(w, cairo_image_surface_get_width(b));
    assert_int_equal(h, cairo_image_surface_get_height(b));
    cairo_surface_flush(a);
    cairo_surface_flush(b);
    const unsigned char *pa = cairo_image_surface_get_data(a), *pb = cairo_image_surface_get_data(b);
    int sa = cairo_image_surface_get_stride(a), sb = cairo_image_surface_get_stride(b);
    long diff = 0;
    for (int y = 0; y < h; y++)
        for (int xx = 0; xx < w; xx++)
            for (int c = 0; c < 3; c++) {
                int d = pa[y * sa + xx * 4 + c] - pb[y * sb + xx * 4 + c];
                if (d > 48 || d < -48) {
                    diff++;
                    break;
                }
            }
    return (double)diff / ((double)w * h);
}

static void
test_reference_image(void **state)
{
    struct fx *x = *state;
    struct doc d;
    json_t *def = permit_template();
    doc_init(&d, def, 3, "許可");
    const char *path = tmp_path("ref.pdf");
    render_to(x, &d.job, path);
    char cmd[512];
    int st;
    snprintf(cmd, sizeof(cmd), "pdftoppm -r 50 -png -f 1 -l 1 -singlefile '%s' '%s/ref' 2>&1",
             path, tmproot);
    free(run(cmd, &st));
    assert_int_equal(st, 0);
    const char *got = tmp_path("ref.png");
    if (getenv("PDF_REF_UPDATE")) {
        size_t n;
        char *p = read_file(got, &n);
        assert_non_null(p);
        write_file(REF_DIR "/permit.png", p, n);
        free(p);
    }
    cairo_surface_t *a = png_surface(got), *b = png_surface(REF_DIR "/permit.png");
    double share = differing_share(a, b);
    /* 0.1 %: a table shifted by 2 mm already differs in 0.24 % of the pixels */
    if (share > 0.001) {
        print_error("%.2f %% of pixels differ from %s/permit.png\n", share * 100, REF_DIR);
        fail();
    }
    cairo_surface_destroy(a);
    cairo_surface_destroy(b);
    json_decref(d.data);
    json_decref(def);
}

static void
test_table_three_pages(void **state)
{
    struct fx *x = *state;
    struct doc d;
    json_t *def = permit_template();
    /* rows 7 mm, header 8 mm: 12 rows fit on page 1 (135..230), 29 on further pages
     * (from the 15 mm top margin to the same bottom); 12 + 29 + 9 = 50 rows: three pages */
    json_object_set_new(json_array_get(json_object_get(def, "elements"), 20), "bottom",
                        json_integer(230));
    doc_init(&d, def, 50, "許可");
    const char *path = tmp_path("long.pdf");
    render_to(x, &d.job, path);
    assert_int_equal(page_count(path), 3);
    int st;
    char *text = tool3("pdftotext -layout", path, "- 2>&1", &st);
    /* the header again on each page, page numbers know the total, 以上 on the last page */
    const char *const order[] = { "第1棟", "第12棟", "1／3", "\f", "延べ面積", "第13棟",
                                  "第41棟", "2／3", "\f", "延べ面積", "第42棟", "第50棟",
                                  "以上", "3／3", NULL };
    assert_in_order(text, order);
    assert_null(strstr(text, "第51棟"));
    free(text);
    free(tool3("qpdf --check", path, ">/dev/null 2>&1", &st));
    assert_int_equal(st, 0);
    json_decref(d.data);
    json_decref(def);
}

static void
test_background(void **state)
{
    struct fx *x = *state;
    struct doc d;
    char *t = NULL;
    assert_true(asprintf(&t,
                         "{\"code\":\"bg\",\"name\":\"様式\",\"background\":{\"file\":\"%s\",\"page\":1},"
                         "\"elements\":[{\"type\":\"text\",\"x\":30,\"y\":40,\"field\":\"申請者\"}]}",
                         bg_hash) > 0);
    json_t *def = js(t);
    free(t);
    assert_int_equal(pdf_template_check(&x->c, def, props), ERR_OK);
    doc_init(&d, def, 0, "許可");
    const char *path = tmp_path("bgdoc.pdf");
    render_to(x, &d.job, path);
    int st;
    char *text = tool3("pdftotext -layout", path, "- 2>&1", &st);
    /* the background's title is text again: drawn as vectors, not as a picture */
    const char *const order[] = { "様式第一号（第三条関係）", "山田太郎", NULL };
    assert_in_order(text, order);
    free(text);
    char *imgs = tool3("pdfimages -list", path, "2>&1 | tail -n +3 | wc -l", &st);
    assert_int_equal(atoi(imgs), 0);
    free(imgs);
    /* the background's own font (a cairo subset without a name table) is kept as it is */
    assert_fonts_ipaex(path, 1);
    free(tool3("qpdf --check", path, ">/dev/null 2>&1", &st));
    assert_int_equal(st, 0);
    json_decref(d.data);
    json_decref(def);
}

static void
test_list(void **state)
{
    struct fx *x = *state;
    json_t *def = js("{\"code\":\"daicho\",\"name\":\"許可台帳\",\"kind\":\"list\","
                     "\"elements\":[{\"type\":\"text\",\"x\":20,\"y\":15,\"text\":\"許可台帳（{$today:wareki}現在）\"},"
                     "{\"type\":\"pageNumber\",\"x\":190,\"y\":285,\"align\":\"right\",\"format\":\"{page}／{pages}\"}],"
                     "\"list\":{\"y\":25,\"bottom\":280,\"rowHeight\":7,\"headerHeight\":8,"
                     "\"columns\":[{\"field\":\"$id\",\"title\":\"番号\",\"w\":20,\"align\":\"right\"},"
                     "{\"field\":\"申請者\",\"title\":\"申請者\",\"w\":60},"
                     "{\"field\":\"決裁日\",\"title\":\"決裁日\",\"w\":50,\"format\":{\"date\":\"wareki\"}}]}}");
    assert_int_equal(pdf_template_check(&x->c, def, props), ERR_OK);
    /* (280 − 25 − 8) / 7 = 35 rows a page: 80 records → 3 pages */
    struct pdf_record recs[80];
    json_t *data[80];
    for (int i = 0; i < 80; i++) {
        data[i] = json_pack("{s:s,s:s}", "申請者", i == 79 ? "最後の人" : "申請者名",
                            "決裁日", "2019-05-01");
        recs[i] = (struct pdf_record){ .id = 1000 + i, .data = data[i] };
    }
    struct pdf_job job = { .def = def, .props = props, .records = recs, .nrecords = 80,
                           .today = 20544 };
    const char *path = tmp_path("list.pdf");
    render_to(x, &job, path);
    assert_int_equal(page_count(path), 3);
    int st;
    char *text = tool3("pdftotext -layout", path, "- 2>&1", &st);
    const char *const order[] = { "許可台帳（令和8年4月1日現在）", "番号", "1000", "令和元年5月1日",
                                  "1034", "1／3", "\f", "許可台帳", "番号", "1035", "2／3",
                                  "\f", "1079", "最後の人", "3／3", NULL };
    assert_in_order(text, order);
    free(text);
    for (int i = 0; i < 80; i++)
        json_decref(data[i]);
    json_decref(def);
}

static void
test_overflow(void **state)
{
    struct fx *x = *state;
    struct doc d;
    json_t *def = js("{\"code\":\"o\",\"name\":\"o\",\"elements\":["
                     "{\"type\":\"text\",\"x\":20,\"y\":20,\"field\":\"申請者\"},"
                     "{\"type\":\"textbox\",\"x\":20,\"y\":30,\"w\":30,\"h\":8,\"field\":\"許可条件\",\"minSize\":7}]}");
    doc_init(&d, def, 0, "許可");
    struct strbuf out;
    strbuf_init(&out, NULL, 0);
    assert_int_equal(pdf_render(&x->c, &d.job, &out), ERR_INVALID);
    assert_int_equal(out.len, 0);
    const json_t *m = json_object_get(x->f.errors, "elements[1]");
    assert_non_null(m);
    const char *msg = json_string_value(json_array_get(json_object_get(m, "messages"), 0));
    assert_non_null(strstr(msg, "文字が枠に収まりません"));
    assert_non_null(strstr(msg, "42"));
    /* the same text fits a bigger box by shrinking */
    json_t *box = json_array_get(json_object_get(def, "elements"), 1);
    json_object_set_new(box, "h", json_integer(30));
    json_object_set_new(box, "w", json_integer(40));
    struct fx *y = fx_new();
    assert_int_equal(pdf_render(&y->c, &d.job, &out), ERR_OK);
    assert_true(out.len > 0);
    fx_free(y);
    /* a one-line text with w shrinks to minSize, then overflows */
    json_t *line = json_array_get(json_object_get(def, "elements"), 0);
    json_object_set_new(line, "w", json_integer(5));
    y = fx_new();
    strbuf_reset(&out);
    assert_int_equal(pdf_render(&y->c, &d.job, &out), ERR_INVALID);
    assert_non_null(json_object_get(y->f.errors, "elements[0]"));
    fx_free(y);
    json_object_set_new(line, "w", json_integer(12)); /* 山田太郎 at ≈ 8.5 pt */
    y = fx_new();
    assert_int_equal(pdf_render(&y->c, &d.job, &out), ERR_OK);
    fx_free(y);
    /* a table header that cannot fit its column is an error too, not a blank */
    json_t *tdef = js("{\"code\":\"t\",\"name\":\"t\",\"elements\":[{\"type\":\"table\",\"x\":20,\"y\":20,"
                      "\"field\":\"建築物\",\"columns\":[{\"field\":\"棟名\",\"title\":\"とても長い見出しの列\",\"w\":8}]}]}");
    d.job.def = tdef;
    y = fx_new();
    assert_int_equal(pdf_render(&y->c, &d.job, &out), ERR_INVALID);
    assert_non_null(json_object_get(y->f.errors, "elements[0]"));
    fx_free(y);
    json_decref(tdef);
    strbuf_release(&out);
    json_decref(d.data);
    json_decref(def);
}

static void
expect_error(const char *tmpl, const char *const *keys)
{
    struct fx *x = fx_new();
    json_t *def = js(tmpl);
    assert_int_equal(pdf_template_check(&x->c, def, props), ERR_INVALID);
    for (; *keys; keys++) {
        if (!json_object_get(x->f.errors, *keys)) {
            char *s = json_dumps(x->f.errors, 0);
            print_error("no error on %s: %s\n", *keys, s);
            free(s);
            fail();
        }
    }
    json_decref(def);
    fx_free(x);
}

static void
test_check_errors(void **state)
{
    (void)state;
    const char *const k1[] = { "code", "name", "kind", "page.size", "page.orientation",
                               "page.margin", "font", "size", "verify", "fileName",
                               "auto[0].status", NULL };
    expect_error("{\"code\":\"Bad Code\",\"name\":\"\",\"kind\":\"book\","
                 "\"page\":{\"size\":\"Letter\",\"orientation\":\"up\",\"margin\":[1,2]},"
                 "\"font\":\"comic\",\"size\":200,\"verify\":\"yes\",\"fileName\":\"{なし}.pdf\","
                 "\"auto\":[{\"deliver\":true}],\"elements\":[]}",
                 k1);
    const char *const k2[] = { "elements[0].field", "elements[1].text", "elements[2].type",
                               "elements[3].format", "elements[4].font", "elements[5].size",
                               "elements[6].field", "elements[7].columns[1].field",
                               "elements[8].file", "elements[9].if", "elements[10].mark",
                               "elements[11].fill", "elements[12].x", "elements[13].pages",
                               "elements[14].field", "elements[15].format", "elements[16].w",
                               "elements[17].field", "elements[18].if", NULL };
    expect_error(
        "{\"code\":\"e\",\"name\":\"e\",\"elements\":["
        "{\"type\":\"text\",\"x\":1,\"y\":1,\"field\":\"存在しない\"},"
        "{\"type\":\"text\",\"x\":1,\"y\":1,\"text\":\"{ない}様\"},"
        "{\"type\":\"circle\",\"x\":1,\"y\":1},"
        "{\"type\":\"text\",\"x\":1,\"y\":1,\"field\":\"決裁日\",\"format\":{\"date\":\"gengo\"}},"
        "{\"type\":\"text\",\"x\":1,\"y\":1,\"field\":\"申請者\",\"font\":\"arial\"},"
        "{\"type\":\"text\",\"x\":1,\"y\":1,\"field\":\"申請者\",\"size\":0.5},"
        "{\"type\":\"table\",\"x\":1,\"y\":1,\"field\":\"申請者\",\"columns\":[{\"field\":\"棟名\",\"w\":10}]},"
        "{\"type\":\"table\",\"x\":1,\"y\":1,\"field\":\"建築物\",\"columns\":[{\"field\":\"棟名\",\"w\":10},{\"field\":\"申請者\",\"w\":10}]},"
        "{\"type\":\"image\",\"x\":1,\"y\":1,\"w\":10,\"h\":10,\"file\":\"0000000000000000000000000000000000000000000000000000000000000000\"},"
        "{\"type\":\"text\",\"x\":1,\"y\":1,\"text\":\"a\",\"if\":{\"field\":\"用途\",\"op\":\"like\",\"value\":\"x\"}},"
        "{\"type\":\"check\",\"x\":1,\"y\":1,\"field\":\"用途\",\"value\":\"住宅\",\"mark\":\"☆\"},"
        "{\"type\":\"rect\",\"x\":1,\"y\":1,\"w\":5,\"h\":5,\"fill\":\"red\"},"
        "{\"type\":\"line\",\"x\":-5,\"y\":1,\"x2\":5,\"y2\":5},"
        "{\"type\":\"text\",\"x\":1,\"y\":1,\"text\":\"a\",\"pages\":\"odd\"},"
        "{\"type\":\"check\",\"x\":1,\"y\":1,\"field\":\"棟名\",\"value\":\"a\"},"
        "{\"type\":\"text\",\"x\":1,\"y\":1,\"field\":\"面積\",\"format\":{\"number\":{\"decimals\":\"2\"}}},"
        "{\"type\":\"textbox\",\"x\":1,\"y\":1,\"h\":5,\"text\":\"a\"},"
        "{\"type\":\"table\",\"x\":1,\"y\":1,\"field\":\"ない表\",\"columns\":[{\"field\":\"棟名\",\"w\":10}]},"
        "{\"type\":\"text\",\"x\":1,\"y\":1,\"text\":\"a\",\"if\":{\"any\":[{\"field\":\"用途\",\"op\":\"eq\",\"value\":\"x\"},{\"not\":{\"field\":\"消えた\",\"op\":\"empty\"}}]}}"
        "]}",
        k2);
    const char *const k3[] = { "background.file", "list", NULL };
    expect_error("{\"code\":\"b\",\"name\":\"b\",\"kind\":\"list\",\"background\":{\"file\":\"abc\"},"
                 "\"elements\":[]}",
                 k3);
    const char *const k4[] = { "list.columns[0].field", "list.bottom", NULL };
    expect_error("{\"code\":\"l\",\"name\":\"l\",\"kind\":\"list\",\"elements\":[],"
                 "\"list\":{\"y\":200,\"bottom\":205,\"columns\":[{\"field\":\"棟名\",\"w\":20}]}}",
                 k4);
    /* a PNG is not a background PDF; a background page past the end */
    char t[512];
    const char *const k5[] = { "background.file", NULL };
    snprintf(t, sizeof(t), "{\"code\":\"b\",\"name\":\"b\",\"background\":{\"file\":\"%s\"},\"elements\":[]}", png_hash);
    expect_error(t, k5);
    const char *const k6[] = { "background.page", NULL };
    snprintf(t, sizeof(t), "{\"code\":\"b\",\"name\":\"b\",\"background\":{\"file\":\"%s\",\"page\":2},\"elements\":[]}", bg_hash);
    expect_error(t, k6);
    /* an image that is not an image */
    const char *const k7[] = { "elements[0].file", NULL };
    snprintf(t, sizeof(t), "{\"code\":\"b\",\"name\":\"b\",\"elements\":[{\"type\":\"image\",\"x\":1,\"y\":1,\"w\":5,\"h\":5,\"file\":\"%s\"}]}", bg_hash);
    expect_error(t, k7);
}

/* Dark pixels in a square of side mm around (x, y) mm of a PNG rendered at dpi. */
static int
dark_pixels(const struct strbuf *png, double dpi, double x, double y, double side)
{
    const char *path = tmp_path("probe.png");
    write_file(path, png->buf, png->len);
    cairo_surface_t *s = png_surface(path);
    const unsigned char *p = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    double k = dpi / 25.4;
    int n = 0;
    for (int py = (int)((y - side / 2) * k); py <= (int)((y + side / 2) * k); py++)
        for (int px = (int)((x - side / 2) * k); px <= (int)((x + side / 2) * k); px++)
            if (px >= 0 && py >= 0 && px < w && py < h && p[py * stride + px * 4 + 1] < 128)
                n++;
    cairo_surface_destroy(s);
    return n;
}

static void
test_png_checks_qr(void **state)
{
    struct fx *x = *state;
    struct doc d;
    json_t *def = permit_template();
    doc_init(&d, def, 1, "許可");
    struct strbuf png;
    strbuf_init(&png, NULL, 0);
    assert_int_equal(pdf_render_png(&x->c, &d.job, 0, 72, &png), ERR_OK);
    assert_memory_equal(png.buf, "\x89PNG", 4);
    const char *path = tmp_path("p72.png");
    write_file(path, png.buf, png.len);
    cairo_surface_t *s = png_surface(path);
    assert_int_equal(cairo_image_surface_get_width(s), 596);
    assert_int_equal(cairo_image_surface_get_height(s), 842);
    cairo_surface_destroy(s);
    strbuf_reset(&png);
    const double dpi = 150;
    assert_int_equal(pdf_render_png(&x->c, &d.job, 0, dpi, &png), ERR_OK);
    assert_true(dark_pixels(&png, dpi, 100, 100, 4) > 10); /* radio 住宅 ✓ */
    assert_true(dark_pixels(&png, dpi, 110, 100, 4) > 10); /* check box 排水 ○ */
    assert_int_equal(dark_pixels(&png, dpi, 120, 100, 4), 0); /* 用途 is not 店舗 */
    assert_true(dark_pixels(&png, dpi, 130, 100, 4) > 10); /* 給水 ■ */
    assert_true(dark_pixels(&png, dpi, 32.5, 252.5, 20) > 500); /* the QR code */
    /* without a verification code there is no QR */
    d.rec.verify_code = NULL;
    strbuf_reset(&png);
    assert_int_equal(pdf_render_png(&x->c, &d.job, 0, dpi, &png), ERR_OK);
    assert_int_equal(dark_pixels(&png, dpi, 32.5, 252.5, 20), 0);
    /* the radio no longer matches */
    json_object_set_new(d.data, "用途", json_string("店舗"));
    json_object_set_new(d.data, "設備", json_array());
    strbuf_reset(&png);
    assert_int_equal(pdf_render_png(&x->c, &d.job, 0, dpi, &png), ERR_OK);
    assert_int_equal(dark_pixels(&png, dpi, 100, 100, 4), 0);
    assert_int_equal(dark_pixels(&png, dpi, 110, 100, 4), 0);
    assert_true(dark_pixels(&png, dpi, 120, 100, 4) > 10);
    /* a page past the end, a bad dpi */
    strbuf_reset(&png);
    assert_int_equal(pdf_render_png(&x->c, &d.job, 1, dpi, &png), ERR_NOT_FOUND);
    assert_int_equal(pdf_render_png(&x->c, &d.job, 0, 20, &png), ERR_INVALID);
    assert_int_equal(png.len, 0);
    strbuf_release(&png);
    json_decref(d.data);
    json_decref(def);
}

static void
test_file_name(void **state)
{
    struct fx *x = *state;
    struct doc d;
    json_t *def = permit_template();
    doc_init(&d, def, 0, "許可");
    assert_string_equal(pdf_file_name(&x->c, &d.job, &d.rec), "世田谷建第100号_許可書_20260401.pdf");
    json_object_set_new(def, "fileName", json_string("{申請者}/{文書番号}:*?<>|\"x"));
    json_object_set_new(d.data, "申請者", json_string("..山田\\太郎"));
    assert_string_equal(pdf_file_name(&x->c, &d.job, &d.rec),
                        "__山田_太郎_世田谷建第100号_______x.pdf");
    json_object_del(def, "fileName");
    assert_string_equal(pdf_file_name(&x->c, &d.job, &d.rec), "許可書_42.pdf");
    json_object_set_new(def, "fileName", json_string("{$receiptNo}_{決裁日:wareki}.PDF"));
    assert_string_equal(pdf_file_name(&x->c, &d.job, &d.rec), "R8-000123_令和8年4月1日.PDF");
    /* a DATETIME is dated in the caller's zone: 15:30 UTC on 31 March is 1 April in Tokyo */
    json_object_set_new(d.data, "受付日時", json_string("2026-03-31T15:30:00Z"));
    json_object_set_new(def, "fileName", json_string("{受付日時:wareki-kanji}_{受付日時:yyyymmdd}"));
    x->c.tz_offset = 540;
    assert_string_equal(pdf_file_name(&x->c, &d.job, &d.rec), "令和八年四月一日_20260401.pdf");
    x->c.tz_offset = 0;
    assert_string_equal(pdf_file_name(&x->c, &d.job, &d.rec), "令和八年三月三十一日_20260331.pdf");
    json_decref(d.data);
    json_decref(def);
}

/* The background cache evicts its least recently used entry; a document in use stays alive
 * until released (ASan would see a use after free). */
static void
test_background_cache(void **state)
{
    struct fx *x = *state;
    struct pdf_bg *held = NULL, *bg;
    int n;
    assert_int_equal(pdf_bg_acquire(&x->c, bg_hash, &held, &n), ERR_OK);
    assert_int_equal(n, 1);
    for (int i = 0; i < 12; i++) {
        struct strbuf sb;
        strbuf_init(&sb, NULL, 0);
        cairo_surface_t *s = cairo_pdf_surface_create_for_stream(sb_write, &sb, 100, 100 + i);
        cairo_t *cr = cairo_create(s);
        cairo_rectangle(cr, 10, 10, 50, 50);
        cairo_fill(cr);
        cairo_destroy(cr);
        cairo_surface_destroy(s);
        char h[BLOB_HASH_LEN + 1];
        put_blob(sb.buf, sb.len, h);
        strbuf_release(&sb);
        assert_int_equal(pdf_bg_acquire(&x->c, h, &bg, &n), ERR_OK);
        pdf_bg_release(bg);
    }
    /* evicted from the cache by now, still ours to draw */
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 50, 70);
    cairo_t *cr = cairo_create(img);
    pdf_bg_draw(held, cr, 0, 50, 70);
    cairo_destroy(cr);
    cairo_surface_destroy(img);
    pdf_bg_release(held);
    /* and loaded again when asked for */
    assert_int_equal(pdf_bg_acquire(&x->c, bg_hash, &bg, &n), ERR_OK);
    pdf_bg_release(bg);
    assert_int_equal(pdf_bg_acquire(&x->c, "nothex", &bg, &n), ERR_FILE_NOT_FOUND);
    assert_int_equal(pdf_bg_acquire(&x->c, png_hash, &bg, &n), ERR_INVALID);
}

/* The same job gives the same bytes (the creation date is the request's clock). */
static void
test_deterministic(void **state)
{
    struct fx *x = *state;
    struct doc d;
    json_t *def = permit_template();
    doc_init(&d, def, 3, "許可");
    struct strbuf a, b;
    strbuf_init(&a, NULL, 0);
    strbuf_init(&b, NULL, 0);
    assert_int_equal(pdf_render(&x->c, &d.job, &a), ERR_OK);
    assert_int_equal(pdf_render(&x->c, &d.job, &b), ERR_OK);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.buf, b.buf, a.len);
    x->c.now += 60;
    strbuf_reset(&b);
    assert_int_equal(pdf_render(&x->c, &d.job, &b), ERR_OK);
    assert_true(a.len != b.len || memcmp(a.buf, b.buf, a.len) != 0);
    strbuf_release(&a);
    strbuf_release(&b);
    json_decref(d.data);
    json_decref(def);
}

struct worker {
    const struct pdf_job *job;
    int ok;
};

static void *
worker_run(void *arg)
{
    struct worker *w = arg;
    for (int i = 0; i < 5; i++) {
        struct fx *x = fx_new();
        struct strbuf out;
        strbuf_init(&out, NULL, 0);
        if (pdf_render(&x->c, w->job, &out) == ERR_OK && out.len > 1000)
            w->ok++;
        strbuf_release(&out);
        fx_free(x);
    }
    pdf_thread_exit(); /* each thread has its own pango font map */
    return NULL;
}

/* Workers render at once with the shared background cache (ASan watches). */
static void
test_threads(void **state)
{
    struct fx *x = *state;
    char *t = NULL;
    assert_true(asprintf(&t,
                         "{\"code\":\"bg\",\"name\":\"様式\",\"background\":{\"file\":\"%s\"},"
                         "\"elements\":[{\"type\":\"text\",\"x\":30,\"y\":40,\"field\":\"申請者\"},"
                         "{\"type\":\"qr\",\"x\":30,\"y\":60}]}",
                         bg_hash) > 0);
    json_t *def = js(t);
    free(t);
    assert_int_equal(pdf_template_check(&x->c, def, props), ERR_OK); /* loads the cache */
    struct doc d;
    doc_init(&d, def, 0, "許可");
    pthread_t th[4];
    struct worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (struct worker){ .job = &d.job };
        assert_int_equal(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(w[i].ok, 5);
    }
    json_decref(d.data);
    json_decref(def);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tools_present),
        cmocka_unit_test_setup_teardown(test_template_ok, setup, teardown),
        cmocka_unit_test_setup_teardown(test_permit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_condition_hidden_shown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reference_image, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_three_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_background, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overflow, setup, teardown),
        cmocka_unit_test(test_check_errors),
        cmocka_unit_test_setup_teardown(test_png_checks_qr, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_background_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
