/* pdf_bg: background PDFs (the ward's official forms) parsed once per process and kept in a
 * small LRU keyed by blob address; entries are reference counted so that eviction never frees
 * a document another thread is drawing. A PopplerDocument is not thread-safe, and poppler's
 * cairo output shares one FreeType library between documents (faces must not be created on it
 * concurrently), so every poppler call — parsing, drawing, freeing — holds poppler_lock.
 * Drawing a cached page takes about a millisecond, so the lock costs little. */
#include "core/strbuf.h"
#include "domain/blob.h"
#include "pdf/pdf_int.h"

#include <poppler.h>
#include <pthread.h>
#include <string.h>

#define BG_SLOTS 8
#define BG_MAX_BYTES (32u << 20)

struct pdf_bg {
    char hash[BLOB_HASH_LEN + 1];
    PopplerDocument *doc;
    GBytes *bytes;
    int refs;             /* cache's own reference + users; under cache_lock */
    unsigned long used;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t poppler_lock = PTHREAD_MUTEX_INITIALIZER; /* taken after cache_lock */
static struct pdf_bg *slots[BG_SLOTS];
static unsigned long tick;

static void
bg_free(struct pdf_bg *bg)
{
    pthread_mutex_lock(&poppler_lock);
    g_object_unref(bg->doc);
    pthread_mutex_unlock(&poppler_lock);
    g_bytes_unref(bg->bytes);
    g_free(bg);
}

/* under cache_lock */
static void
unref_locked(struct pdf_bg *bg)
{
    if (--bg->refs == 0)
        bg_free(bg);
}

static enum err
load(struct ctx *c, const char *hash, struct pdf_bg **out)
{
    struct strbuf sb;
    strbuf_init(&sb, NULL, BG_MAX_BYTES);
    enum err e = blob_get(c, hash, &sb);
    if (e != ERR_OK) {
        strbuf_release(&sb);
        return e;
    }
    /* GBytes takes the heap buffer: it lives as long as the document */
    GBytes *bytes = g_bytes_new_with_free_func(sb.buf, sb.len, g_free, sb.buf);
    GError *err = NULL;
    pthread_mutex_lock(&poppler_lock);
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &err);
    pthread_mutex_unlock(&poppler_lock);
    if (!doc) {
        g_clear_error(&err);
        g_bytes_unref(bytes);
        return ERR_INVALID;
    }
    struct pdf_bg *bg = g_new0(struct pdf_bg, 1);
    memcpy(bg->hash, hash, BLOB_HASH_LEN);
    bg->doc = doc;
    bg->bytes = bytes;
    bg->refs = 1;
    *out = bg;
    return ERR_OK;
}

enum err
pdf_bg_acquire(struct ctx *c, const char *hash, struct pdf_bg **out, int *npages)
{
    *out = NULL;
    if (!blob_hash_valid(hash))
        return ERR_FILE_NOT_FOUND;
    pthread_mutex_lock(&cache_lock);
    for (int i = 0; i < BG_SLOTS; i++) {
        if (slots[i] && !strcmp(slots[i]->hash, hash)) {
            slots[i]->refs++;
            slots[i]->used = ++tick;
            *out = slots[i];
            break;
        }
    }
    pthread_mutex_unlock(&cache_lock);
    if (!*out) {
        /* parsed outside the lock; a racing thread may load it too — the first one in wins */
        struct pdf_bg *bg;
        enum err e = load(c, hash, &bg);
        if (e != ERR_OK)
            return e;
        pthread_mutex_lock(&cache_lock);
        int victim = 0;
        for (int i = 0; i < BG_SLOTS; i++) {
            if (slots[i] && !strcmp(slots[i]->hash, hash)) {
                unref_locked(bg);
                bg = slots[i];
                victim = -1;
                break;
            }
            if (!slots[i] || (slots[victim] && slots[i]->used < slots[victim]->used))
                victim = i;
        }
        if (victim >= 0) {
            /* the loader's reference becomes the cache's */
            if (slots[victim])
                unref_locked(slots[victim]);
            slots[victim] = bg;
        }
        bg->refs++; /* the caller's */
        bg->used = ++tick;
        pthread_mutex_unlock(&cache_lock);
        *out = bg;
    }
    pthread_mutex_lock(&poppler_lock);
    *npages = poppler_document_get_n_pages((*out)->doc);
    pthread_mutex_unlock(&poppler_lock);
    return ERR_OK;
}

void
pdf_bg_release(struct pdf_bg *bg)
{
    if (!bg)
        return;
    pthread_mutex_lock(&cache_lock);
    unref_locked(bg);
    pthread_mutex_unlock(&cache_lock);
}

void
pdf_bg_draw(struct pdf_bg *bg, cairo_t *cr, int page, double pw, double ph)
{
    pthread_mutex_lock(&poppler_lock);
    PopplerPage *p = poppler_document_get_page(bg->doc, page);
    if (p) {
        double w, h;
        poppler_page_get_size(p, &w, &h);
        cairo_save(cr);
        cairo_scale(cr, pw / w, ph / h);
        poppler_page_render(p, cr);
        cairo_restore(cr);
        g_object_unref(p);
    }
    pthread_mutex_unlock(&poppler_lock);
}

void
pdf_bg_shutdown(void)
{
    pthread_mutex_lock(&cache_lock);
    for (int i = 0; i < BG_SLOTS; i++) {
        if (slots[i])
            unref_locked(slots[i]);
        slots[i] = NULL;
    }
    pthread_mutex_unlock(&cache_lock);
}
