/* pdf_bench: time of one-page permits with a background PDF (median of N renders) and the
 * process's memory over 1,000 further renders (it must stay flat: everything cairo, pango and
 * poppler allocate per document is freed; only the background cache is kept).
 * Self-contained (no data directory): make build/pdf_render_bench && build/pdf_render_bench */
#include "core/arena.h"
#include "core/clock.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/blob.h"
#include "pdf/pdf.h"
#include "sec/sec.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static cairo_status_t
sb_write(void *arg, const unsigned char *data, unsigned int len)
{
    strbuf_add(arg, data, len);
    return CAIRO_STATUS_SUCCESS;
}

static double
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long
rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof(line), f))
        if (!strncmp(line, "VmRSS:", 6))
            kb = atol(line + 6);
    if (f)
        fclose(f);
    return kb;
}

static int
cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(double), cmp);
    return v[n / 2];
}

int
main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 200;
    char dir[] = "/tmp/mado-pdf-bench-XXXXXX";
    struct sec_key *key;
    struct db *db;
    char *err = NULL;
    uint8_t raw[SEC_KEY_BYTES] = { 7 };
    if (sec_init() < 0 || !mkdtemp(dir) || sec_key_from_bytes(raw, &key) != ERR_OK ||
        db_open(":memory:", &db, &err) != DB_OK || db_migrate(db, &err) != DB_OK ||
        blob_init(dir, key) != 0) {
        fprintf(stderr, "setup failed: %s\n", err ? err : "");
        return 1;
    }
    struct arena *a = arena_new();
    struct fail f;
    fail_init(&f, a, LANG_JA);
    struct ctx c = { .arena = a, .db = db, .fail = &f };
    /* the official form: a frame, ruled lines and titles */
    struct strbuf bg;
    strbuf_init(&bg, NULL, 0);
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(sb_write, &bg, 595.28, 841.89);
    cairo_t *cr = cairo_create(s);
    cairo_rectangle(cr, 28, 28, 539, 785);
    for (int i = 0; i < 40; i++) {
        cairo_move_to(cr, 28, 100 + i * 17);
        cairo_line_to(cr, 567, 100 + i * 17);
    }
    cairo_stroke(cr);
    PangoLayout *l = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = pango_font_description_from_string("IPAexMincho 10");
    pango_layout_set_font_description(l, fd);
    pango_layout_set_text(l, "様式第一号（第三条関係）　建築許可申請書　申請者　住所　氏名　用途", -1);
    cairo_move_to(cr, 34, 32);
    pango_cairo_show_layout(cr, l);
    pango_font_description_free(fd);
    g_object_unref(l);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    char hash[BLOB_HASH_LEN + 1];
    if (blob_put(&c, bg.buf, bg.len, hash) != ERR_OK)
        return 1;
    strbuf_release(&bg);
    char *t;
    if (asprintf(&t,
                 "{\"code\":\"kyoka\",\"name\":\"許可書\",\"background\":{\"file\":\"%s\"},\"elements\":["
                 "{\"type\":\"text\",\"x\":130,\"y\":20,\"field\":\"文書番号\"},"
                 "{\"type\":\"text\",\"x\":130,\"y\":27,\"field\":\"決裁日\",\"format\":{\"date\":\"wareki\"}},"
                 "{\"type\":\"text\",\"x\":20,\"y\":45,\"w\":170,\"text\":\"建築許可書\",\"size\":20,\"align\":\"center\",\"font\":\"gothic\"},"
                 "{\"type\":\"text\",\"x\":30,\"y\":60,\"text\":\"{申請者} 様\"},"
                 "{\"type\":\"textbox\",\"x\":20,\"y\":70,\"w\":170,\"h\":40,\"field\":\"許可条件\",\"minSize\":7},"
                 "{\"type\":\"check\",\"x\":31,\"y\":120,\"field\":\"用途\",\"value\":\"住宅\"},"
                 "{\"type\":\"table\",\"x\":20,\"y\":170,\"field\":\"建築物\",\"bottom\":230,\"columns\":["
                 "{\"field\":\"棟名\",\"title\":\"棟\",\"w\":40},{\"field\":\"延べ面積\",\"title\":\"延べ面積\",\"w\":40,\"align\":\"right\","
                 "\"format\":{\"number\":{\"separator\":true,\"decimals\":2,\"unit\":\"㎡\"}}}]},"
                 "{\"type\":\"qr\",\"x\":20,\"y\":250,\"size\":20,\"code\":true},"
                 "{\"type\":\"pageNumber\",\"x\":105,\"y\":287,\"align\":\"center\",\"pages\":\"all\"}]}",
                 hash) < 0)
        return 1;
    json_t *def = json_loads(t, 0, NULL);
    free(t);
    json_t *props = json_loads(
        "{\"文書番号\":{\"type\":\"SINGLE_LINE_TEXT\"},\"申請者\":{\"type\":\"SINGLE_LINE_TEXT\"},"
        "\"決裁日\":{\"type\":\"DATE\"},\"許可条件\":{\"type\":\"MULTI_LINE_TEXT\"},"
        "\"用途\":{\"type\":\"RADIO_BUTTON\"},\"建築物\":{\"type\":\"SUBTABLE\",\"fields\":{"
        "\"棟名\":{\"type\":\"SINGLE_LINE_TEXT\"},\"延べ面積\":{\"type\":\"NUMBER\"}}}}",
        0, NULL);
    json_t *data = json_loads(
        "{\"文書番号\":\"世田谷建第100号\",\"申請者\":\"山田太郎\",\"決裁日\":\"2026-04-01\","
        "\"許可条件\":\"工事中は近隣に配慮し、騒音・振動を抑えること。作業時間は午前8時から午後6時までとする。\","
        "\"用途\":\"住宅\",\"建築物\":[{\"id\":1,\"value\":{\"棟名\":\"A棟\",\"延べ面積\":1234.5}},"
        "{\"id\":2,\"value\":{\"棟名\":\"B棟\",\"延べ面積\":88}}]}",
        0, NULL);
    if (!def || !props || !data || pdf_template_check(&c, def, props) != ERR_OK) {
        fprintf(stderr, "template\n");
        return 1;
    }
    struct pdf_record rec = { .id = 1, .data = data, .verify_code = "K7Q2-M9XA" };
    struct pdf_job job = { .def = def, .props = props, .records = &rec, .nrecords = 1,
                           .verify_base = "https://example.jp/verify/", .today = 20544 };
    double *ms = calloc((size_t)n, sizeof(double));
    struct strbuf out;
    strbuf_init(&out, NULL, 0);
    size_t bytes = 0;
    for (int i = 0; i < n + 5; i++) {
        struct arena *ra = arena_new();
        fail_init(&f, ra, LANG_JA);
        c.arena = ra;
        strbuf_reset(&out);
        double t0 = now_ms();
        if (pdf_render(&c, &job, &out) != ERR_OK)
            return 1;
        if (i >= 5)
            ms[i - 5] = now_ms() - t0;
        bytes = out.len;
        arena_free(ra);
    }
    printf("permit with background, 1 page: median %.2f ms over %d renders (%zu bytes)\n",
           median(ms, n), n, bytes);
    json_t *plain = json_deep_copy(def);
    json_object_del(plain, "background");
    struct pdf_job pjob = job;
    pjob.def = plain;
    for (int i = 0; i < n; i++) {
        struct arena *ra = arena_new();
        fail_init(&f, ra, LANG_JA);
        c.arena = ra;
        strbuf_reset(&out);
        double t0 = now_ms();
        if (pdf_render(&c, &pjob, &out) != ERR_OK)
            return 1;
        ms[i] = now_ms() - t0;
        arena_free(ra);
    }
    printf("the same without the background: median %.2f ms\n", median(ms, n));
    json_decref(plain);
    for (int i = 0; i < n; i++) {
        struct arena *ra = arena_new();
        fail_init(&f, ra, LANG_JA);
        c.arena = ra;
        strbuf_reset(&out);
        double t0 = now_ms();
        if (pdf_render_png(&c, &job, 0, 100, &out) != ERR_OK)
            return 1;
        ms[i] = now_ms() - t0;
        arena_free(ra);
    }
    printf("PNG preview at 100 dpi: median %.2f ms\n", median(ms, n));
    long before = rss_kb();
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 1000; i++) {
            struct arena *ra = arena_new();
            fail_init(&f, ra, LANG_JA);
            c.arena = ra;
            strbuf_reset(&out);
            if (pdf_render(&c, &job, &out) != ERR_OK)
                return 1;
            arena_free(ra);
        }
        printf("RSS after %d more renders: %ld kB (before: %ld kB)\n", (round + 1) * 1000,
               rss_kb(), before);
    }
    strbuf_release(&out);
    free(ms);
    json_decref(def);
    json_decref(props);
    json_decref(data);
    arena_free(a);
    pdf_shutdown();
    db_close(db);
    blob_shutdown();
    sec_key_free(key);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : 1;
}
