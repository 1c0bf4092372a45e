/* `madoguchi pack install`: applies a pack directory (docs/packs.md) in order — directory
 * (orgs.csv, groups.csv through the CSV import), the 町丁目 master, the apps (create or find by
 * code, then fields, layout, views, settings with routing, process, legal clock and
 * permissions on the preview, and deploy), the forms (save and publish) and the document
 * templates — each through the route table as the API would. A definition equal to what the
 * app already has is not sent again, so a re-install of an unchanged pack makes no new
 * versions; records are never touched, and a field removed from the pack stays in the app.
 * The first failure stops the run and names the file and the API's error. */
#include "cmd/pack_int.h"

#include "db/db.h"
#include "domain/app.h"
#include "domain/event.h"
#include "domain/ledger.h"
#include "domain/pack.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tally {
    int created, updated, unchanged;
};

/* ---- comparing what the pack wants with what the server has ---- */

static bool
scalar_text_equal(const json_t *a, const json_t *b)
{
    char x[64], y[64];
    const char *s = json_string_value(a), *t = json_string_value(b);
    if (json_is_integer(a))
        snprintf(x, sizeof(x), "%lld", (long long)json_integer_value(a)), s = x;
    if (json_is_integer(b))
        snprintf(y, sizeof(y), "%lld", (long long)json_integer_value(b)), t = y;
    if (json_is_boolean(a))
        s = json_is_true(a) ? "true" : "false";
    if (json_is_boolean(b))
        t = json_is_true(b) ? "true" : "false";
    return s && t && strcmp(s, t) == 0;
}

/* Every member the pack sets has the same value on the server (numbers and numeric strings,
 * booleans and "true"/"false" compare equal, as the API answers strings). An object naming a
 * pack file ({"file": ...}) is uploaded each time it is sent, so it counts as equal. */
static bool
subset_equal(const json_t *want, const json_t *have)
{
    if (json_is_object(want)) {
        if (json_object_get(want, "file"))
            return true;
        if (!json_is_object(have))
            return false;
        const char *k;
        const json_t *v;
        json_object_foreach((json_t *)want, k, v)
        {
            if (!subset_equal(v, json_object_get(have, k)))
                return false;
        }
        return true;
    }
    if (json_is_array(want)) {
        if (!json_is_array(have) || json_array_size(want) != json_array_size(have))
            return false;
        for (size_t i = 0; i < json_array_size(want); i++)
            if (!subset_equal(json_array_get(want, i), json_array_get(have, i)))
                return false;
        return true;
    }
    if (json_is_null(want))
        return !have || json_is_null(have);
    if (!have)
        return false;
    return json_equal(want, have) || scalar_text_equal(want, have);
}

/* ---- files of the pack ---- */

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in dir (relative to the pack) ending in suffix ("" = directories), sorted; arena
 * strings, NULL-terminated. */
static char **
list_dir(struct pack_run *p, const char *rel, const char *suffix)
{
    size_t n = 0, cap = 16;
    char **out = arena_alloc(p->a, sizeof(char *) * (cap + 1));
    char *path = arena_printf(p->a, "%s/%s", p->dir, rel);
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        size_t len = strlen(e->d_name), sl = strlen(suffix);
        if (*suffix && (len <= sl || strcmp(e->d_name + len - sl, suffix) != 0))
            continue;
        if (len > 13 && strcmp(e->d_name + len - 13, ".samples.json") == 0)
            continue; /* sample answers of a form (tools/pack-check.mjs), not a definition */
        if (!*suffix && e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
            continue;
        if (n == cap) {
            char **bigger = arena_alloc(p->a, sizeof(char *) * (cap * 2 + 1));
            memcpy(bigger, out, sizeof(char *) * n);
            out = bigger;
            cap *= 2;
        }
        out[n++] = arena_strdup(p->a, e->d_name);
    }
    if (d)
        closedir(d);
    qsort(out, n, sizeof(char *), cmp_str);
    out[n] = NULL;
    return out;
}

/* ---- directory and reference data ---- */

static int
import_csv(struct pack_run *p, const char *rel, const char *kind)
{
    size_t len;
    char *csv = pack_read_text(p, rel, &len, false);
    if (!csv)
        return 0; /* optional */
    p->file = rel;
    json_t *body = json_pack("{s:s,s:s}", "kind", kind, "csv", csv);
    free(csv);
    int st = pack_call(p, "POST", "/admin/api/import.json", body, NULL);
    json_decref(body);
    if (st != 200)
        return pack_fail(p, "import");
    if (!p->quiet)
        printf("  %-28s created %lld, updated %lld, unchanged %lld\n", rel,
               (long long)json_integer_value(json_object_get(p->resp, "created")),
               (long long)json_integer_value(json_object_get(p->resp, "updated")),
               (long long)json_integer_value(json_object_get(p->resp, "unchanged")));
    return 0;
}

static int
load_reference(struct pack_run *p)
{
    p->file = "reference/chocho.json";
    p->chocho = pack_read_json(p, p->file, false);
    if (!p->chocho)
        return 0;
    struct pack_counts n;
    const char *why = NULL;
    if (!pack_chocho_check(p->chocho, &n, &why)) {
        fprintf(stderr, "madoguchi pack: %s: %s\n", p->file, why);
        return 1;
    }
    p->tree = pack_chocho_tree(p->chocho);
    pack_chocho_routing(p->chocho, &p->route_map, &p->route_check);
    if (!p->quiet)
        printf("  %-28s %zu 地域, %zu 町, %zu 町丁\n", p->file, n.regions, n.towns, n.chome);
    return 0;
}

/* "optionsFrom": "chocho" → the tree; another name, or chocho without the file, is an error. */
static int
resolve_options(struct pack_run *p, json_t *def)
{
    const char *unknown = NULL;
    size_t n = p->tree ? pack_options_from(def, "chocho", p->tree, &unknown) : 0;
    (void)n;
    if (!p->tree) {
        json_t *empty = json_object();
        unknown = NULL;
        if (pack_options_from(def, "chocho", empty, &unknown) > 0) {
            json_decref(empty);
            fprintf(stderr, "madoguchi pack: %s: optionsFrom \"chocho\" needs reference/chocho.json\n",
                    p->file);
            return 1;
        }
        json_decref(empty);
    }
    if (unknown) {
        fprintf(stderr, "madoguchi pack: %s: unknown optionsFrom \"%s\" (known: chocho)\n",
                p->file, unknown);
        return 1;
    }
    return 0;
}

/* ---- apps ---- */

static const char *
app_key(struct pack_run *p, const char *app)
{
    return arena_printf(p->a, "pack:%s:app:%s", p->code, app);
}

json_t *
pack_app_ids(struct pack_run *p, const char *pack)
{
    json_t *all = NULL, *out = json_object();
    const char *prefix = arena_printf(p->a, "pack:%s:app:", pack);
    if (pack_setting_list(&p->c, prefix, &all) != ERR_OK)
        return out;
    const char *k;
    json_t *v;
    json_object_foreach(all, k, v)
        json_object_set_new(out, k + strlen(prefix), json_integer(atoll(json_string_value(v))));
    json_decref(all);
    return out;
}

/* The app's id: the one this pack made before (if it still exists), else an app with this
 * code, else a new app. */
static int
find_or_create(struct pack_run *p, const char *code, const json_t *def, long long *id,
               struct tally *t)
{
    const char *stored = NULL;
    if (pack_setting_get(&p->c, app_key(p, code), &stored) != ERR_OK)
        return 1;
    if (stored && pack_get(p, "/k/v1/preview/app/settings.json?app=%s", stored) == 200) {
        *id = atoll(stored);
        return 0;
    }
    if (pack_get(p, "/k/v1/apps.json?codes[0]=%s", code) == 200) {
        const char *s = json_string_value(
            json_object_get(json_array_get(json_object_get(p->resp, "apps"), 0), "appId"));
        if (s) {
            *id = atoll(s);
            return 0;
        }
    }
    const char *name = json_string_value(json_object_get(def, "name"));
    json_t *body = json_pack("{s:s,s:s}", "name", name ? name : code, "code", code);
    if (json_is_string(json_object_get(def, "description")))
        json_object_set(body, "description", json_object_get(def, "description"));
    int st = pack_call(p, "POST", "/k/v1/preview/app.json", body, NULL);
    json_decref(body);
    if (st != 200)
        return pack_fail(p, "create app");
    *id = atoll(json_string_value(json_object_get(p->resp, "app")));
    t->created++;
    return 0;
}

/* PUTs body (with "app") to the preview path unless the server's GET answer already has
 * every member of `want` (the part of body to compare, under key `what` of the answer or the
 * answer itself when what is NULL). *changed is set when sent. */
static int
put_if_changed(struct pack_run *p, long long id, const char *path, const char *what,
               const json_t *want, json_t *body, bool *changed)
{
    if (pack_get(p, "/k/v1/preview%s?app=%lld", path, id) == 200) {
        const json_t *have = what ? json_object_get(p->resp, what) : p->resp;
        if (subset_equal(want, have))
            return 0;
    }
    json_object_set_new(body, "app", json_integer(id));
    int st = pack_call(p, "PUT", arena_printf(p->a, "/k/v1/preview%s", path), body, NULL);
    if (st != 200)
        return pack_fail(p, arena_printf(p->a, "PUT %s", path));
    *changed = true;
    return 0;
}

static int
apply_fields(struct pack_run *p, long long id, const json_t *fields, bool *changed)
{
    if (!json_is_object(fields))
        return 0;
    if (pack_get(p, "/k/v1/preview/app/form/fields.json?app=%lld", id) != 200)
        return pack_fail(p, "GET fields");
    json_t *have = json_incref(json_object_get(p->resp, "properties"));
    json_t *add = json_object(), *upd = json_object();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)fields, k, v)
    {
        const json_t *h = json_object_get(have, k);
        if (!h)
            json_object_set(add, k, v);
        else if (!subset_equal(v, h))
            json_object_set(upd, k, v);
    }
    json_decref(have);
    int rc = 0;
    if (json_object_size(add)) {
        json_t *body = json_pack("{s:I,s:O}", "app", (json_int_t)id, "properties", add);
        if (pack_call(p, "POST", "/k/v1/preview/app/form/fields.json", body, NULL) != 200)
            rc = pack_fail(p, "POST fields");
        json_decref(body);
        *changed = true;
    }
    if (!rc && json_object_size(upd)) {
        json_t *body = json_pack("{s:I,s:O}", "app", (json_int_t)id, "properties", upd);
        if (pack_call(p, "PUT", "/k/v1/preview/app/form/fields.json", body, NULL) != 200)
            rc = pack_fail(p, "PUT fields");
        json_decref(body);
        *changed = true;
    }
    json_decref(add);
    json_decref(upd);
    return rc;
}

/* The routing setting of app.json with the map of the 町丁目 master filled in. */
static json_t *
routing_setting(struct pack_run *p, const json_t *r)
{
    if (!json_is_object(r))
        return NULL;
    json_t *out = json_deep_copy(r);
    if (!json_object_get(out, "fixedOffice") && !json_object_get(out, "map") && p->route_map) {
        json_object_set(out, "map", p->route_map);
        json_object_set(out, "check", p->route_check);
    }
    return out;
}

/* Sends one part of app.json: body = {member: part} (or the part's own members when member
 * is NULL), compared under `what`. */
static int
apply_part(struct pack_run *p, long long id, const json_t *def, const char *key, const char *path,
           const char *member, bool *changed)
{
    const json_t *part = json_object_get(def, key);
    if (!part)
        return 0;
    json_t *body;
    if (member)
        body = json_pack("{s:O}", member, part);
    else
        body = json_deep_copy(part);
    int rc = put_if_changed(p, id, path, member, part, body, changed);
    json_decref(body);
    return rc;
}

static int
deploy_if_needed(struct pack_run *p, long long id, bool changed)
{
    if (!changed) {
        /* a run that stopped between saving and deploying left the preview ahead */
        if (pack_get(p, "/k/v1/preview/app/settings.json?app=%lld", id) != 200)
            return pack_fail(p, "GET settings");
        const char *prev = json_string_value(json_object_get(p->resp, "revision"));
        char *pr = prev ? arena_strdup(p->a, prev) : NULL;
        int st = pack_get(p, "/k/v1/app/settings.json?app=%lld", id);
        const char *live = json_string_value(json_object_get(p->resp, "revision"));
        if (st == 200 && pr && live && strcmp(pr, live) == 0)
            return 0;
    }
    json_t *body = json_pack("{s:[{s:I}]}", "apps", "app", (json_int_t)id);
    int st = pack_call(p, "POST", "/k/v1/preview/app/deploy.json", body, NULL);
    json_decref(body);
    return st == 200 ? 0 : pack_fail(p, "deploy");
}

/* The "ledger" setting of a procedure app: each ledger field takes the first of its
 * candidate sources ("sources" of ledger/app.json) that the app has with a compatible type. */
static json_t *
ledger_setting(struct pack_run *p, const json_t *def)
{
    const json_t *src = json_object_get(p->ledger_def, "sources");
    const json_t *lprops = json_object_get(p->ledger_def, "fields");
    const json_t *props = json_object_get(def, "fields");
    const char *office = json_string_value(json_object_get(json_object_get(def, "routing"), "officeField"));
    json_t *fields = json_object();
    const char *dst;
    json_t *cands;
    json_object_foreach(json_object_get(src, "fields"), dst, cands)
    {
        const char *ltype = json_string_value(json_object_get(json_object_get(lprops, dst), "type"));
        size_t i;
        json_t *c;
        json_array_foreach(cands, i, c)
        {
            const char *name = json_string_value(c);
            if (!name || !ltype)
                continue;
            if (!strcmp(name, "$office")) {
                if (office) {
                    json_object_set_new(fields, dst, json_string(office));
                    break;
                }
                continue;
            }
            if (name[0] == '$') {
                json_object_set_new(fields, dst, json_string(name));
                break;
            }
            const char *type = json_string_value(json_object_get(json_object_get(props, name), "type"));
            bool ok = type && (!strcmp(type, ltype) ||
                               (!strcmp(ltype, "SINGLE_LINE_TEXT") &&
                                (!strcmp(type, "DROP_DOWN") || !strcmp(type, "RADIO_BUTTON") ||
                                 !strcmp(type, "CHECK_BOX") || !strcmp(type, "MULTI_SELECT"))));
            if (ok) {
                json_object_set_new(fields, dst, json_string(name));
                break;
            }
        }
    }
    const char *key = json_string_value(json_object_get(src, "key"));
    return json_pack("{s:I,s:s,s:o}", "app", (json_int_t)p->ledger_id, "key", key ? key : "台帳キー",
                     "fields", fields);
}

/* Mirrors the app's existing records into the ledger (after its ledger setting changed). */
static int
ledger_fill(struct pack_run *p, long long id)
{
    struct app_def d;
    int64_t n = 0;
    if (db_begin(p->rt->db, true) != DB_OK)
        return 1;
    if (app_load(&p->c, id, false, &d) != ERR_OK || ledger_sync_all(&p->c, &d, &n) != ERR_OK ||
        db_commit(p->rt->db) != DB_OK) {
        (void)db_rollback(p->rt->db);
        fprintf(stderr, "madoguchi pack: %s: filling the ledger failed: %s\n", p->file,
                p->f.message ? p->f.message : "?");
        return 1;
    }
    if (n && !p->quiet)
        printf("  %-28s %lld records mirrored to the ledger\n", "", (long long)n);
    return 0;
}

static int
install_app(struct pack_run *p, const char *code, const char *rel, struct tally *t)
{
    p->file = rel;
    json_t *def = pack_read_json(p, rel, true);
    if (!def)
        return 1;
    int rc = 1;
    long long id = 0;
    bool changed = false;
    int created_before = t->created;
    if (json_is_object(json_object_get(def, "fields")))
        pack_fields_options_from(json_object_get(def, "fields"), "chocho", p->chocho);
    if (resolve_options(p, def) || find_or_create(p, code, def, &id, t))
        goto out;
    json_t *settings = json_deep_copy(json_object_get(def, "settings"));
    if (!settings)
        settings = json_object();
    json_t *routing = routing_setting(p, json_object_get(def, "routing"));
    if (routing)
        json_object_set_new(settings, "routing", routing);
    bool with_ledger = p->ledger_id && !json_object_get(def, "sources");
    if (with_ledger)
        json_object_set_new(settings, "ledger", ledger_setting(p, def));
    json_object_set(def, "settings", settings);
    json_decref(settings);
    if (apply_fields(p, id, json_object_get(def, "fields"), &changed) ||
        apply_part(p, id, def, "layout", "/app/form/layout.json", "layout", &changed) ||
        apply_part(p, id, def, "settings", "/app/settings.json", NULL, &changed) ||
        apply_part(p, id, def, "status", "/app/status.json", NULL, &changed) ||
        apply_part(p, id, def, "clock", "/app/clock.json", NULL, &changed) ||
        /* views after the clock: they may sort on its $due_date */
        apply_part(p, id, def, "views", "/app/views.json", "views", &changed) ||
        apply_part(p, id, def, "acl", "/app/acl.json", "rights", &changed) ||
        apply_part(p, id, def, "recordAcl", "/record/acl.json", "rights", &changed) ||
        apply_part(p, id, def, "fieldAcl", "/field/acl.json", "rights", &changed) ||
        deploy_if_needed(p, id, changed) || (with_ledger && changed && ledger_fill(p, id)))
        goto out;
    char ids[32];
    snprintf(ids, sizeof(ids), "%lld", id);
    if (pack_setting_put(&p->c, app_key(p, code), ids) != ERR_OK)
        goto out;
    json_object_set_new(p->apps, code, json_integer(id));
    if (t->created == created_before)
        changed ? t->updated++ : t->unchanged++;
    if (!p->quiet)
        printf("  %-28s app %lld %s\n", rel, id,
               t->created != created_before ? "created" : changed ? "updated" : "unchanged");
    rc = 0;
out:
    json_decref(def);
    return rc;
}

/* ---- forms and templates ---- */

static long long
app_id_of(struct pack_run *p, const json_t *v)
{
    if (json_is_integer(v))
        return json_integer_value(v);
    const char *s = json_string_value(v);
    if (!s)
        return 0;
    json_t *id = json_object_get(p->apps, s);
    if (id)
        return json_integer_value(id);
    return atoll(s); /* a number written as a string */
}

static int
install_form(struct pack_run *p, const char *app_code, const char *name, const json_t *existing,
             struct tally *t)
{
    const char *rel = arena_printf(p->a, "apps/%s/forms/%s", app_code, name);
    p->file = rel;
    json_t *body = pack_read_json(p, rel, true);
    if (!body)
        return 1;
    int rc = 1;
    json_t *form = json_object_get(body, "form");
    const char *code = json_string_value(json_object_get(form, "code"));
    if (!json_is_object(form) || !code) {
        fprintf(stderr, "madoguchi pack: %s: the body is {\"form\": {\"code\": ..., ...}}\n", rel);
        goto out;
    }
    if (resolve_options(p, form))
        goto out;
    const json_t *appv = json_object_get(form, "app");
    long long id = appv ? app_id_of(p, appv) : json_integer_value(json_object_get(p->apps, app_code));
    if (id <= 0) {
        fprintf(stderr, "madoguchi pack: %s: form.app: unknown app code\n", rel);
        goto out;
    }
    json_object_set_new(form, "app", json_integer(id));
    /* the latest saved definition of this code, if any */
    const json_t *have = NULL;
    size_t i;
    const json_t *f;
    json_array_foreach(json_object_get(existing, "forms"), i, f)
    {
        const char *fc = json_string_value(json_object_get(f, "code"));
        if (fc && strcmp(fc, code) == 0)
            have = f;
    }
    bool published = have && json_integer_value(json_object_get(have, "version")) > 0;
    if (have && published && subset_equal(form, json_object_get(have, "def"))) {
        t->unchanged++;
        rc = 0;
        goto out;
    }
    if (pack_call(p, "PUT", "/admin/api/forms.json", body, NULL) != 200) {
        pack_fail(p, "PUT /admin/api/forms.json");
        goto out;
    }
    json_t *pub = json_pack("{s:s}", "code", code);
    int st = pack_call(p, "POST", "/admin/api/form/publish.json", pub, NULL);
    json_decref(pub);
    if (st != 200) {
        pack_fail(p, "publish");
        goto out;
    }
    have ? t->updated++ : t->created++;
    rc = 0;
out:
    json_decref(body);
    return rc;
}

/* Replaces every {"file": "<path in the pack>"} by {"fileKey": "<upload key>"}. */
static int
upload_files(struct pack_run *p, json_t *node)
{
    size_t i;
    json_t *v;
    const char *k;
    if (json_is_array(node)) {
        json_array_foreach(node, i, v) if (upload_files(p, v)) return 1;
        return 0;
    }
    if (!json_is_object(node))
        return 0;
    const char *file = json_string_value(json_object_get(node, "file"));
    if (file) {
        if (strstr(file, "..") || file[0] == '/') {
            fprintf(stderr, "madoguchi pack: %s: file \"%s\" must stay inside the pack\n", p->file,
                    file);
            return 1;
        }
        const char *key = pack_upload(p, file);
        if (!key)
            return 1;
        json_object_del(node, "file");
        json_object_set_new(node, "fileKey", json_string(key));
        return 0;
    }
    json_object_foreach(node, k, v) if (upload_files(p, v)) return 1;
    return 0;
}

static int
install_template(struct pack_run *p, const char *app_code, long long id, const char *name,
                 struct tally *t)
{
    const char *rel = arena_printf(p->a, "apps/%s/templates/%s", app_code, name);
    p->file = rel;
    json_t *body = pack_read_json(p, rel, true);
    if (!body)
        return 1;
    int rc = 1;
    json_t *tpl = json_object_get(body, "template");
    const char *code = json_string_value(json_object_get(tpl, "code"));
    if (!json_is_object(tpl) || !code) {
        fprintf(stderr, "madoguchi pack: %s: the body is {\"template\": {\"code\": ..., ...}}\n",
                rel);
        goto out;
    }
    const char *tok = pack_app_token(p, id); /* reading needs view rights the pack may not give */
    bool existed = tok && pack_call(p, "GET",
                                    arena_printf(p->a, "/k/v1/app/template.json?app=%lld&code=%s",
                                                 id, code),
                                    NULL, tok) == 200;
    if (existed && subset_equal(tpl, json_object_get(p->resp, "template"))) {
        t->unchanged++;
        rc = 0;
        goto out;
    }
    if (upload_files(p, tpl))
        goto out;
    json_object_set_new(body, "app", json_integer(id));
    if (pack_call(p, "PUT", "/k/v1/app/template.json", body, NULL) != 200) {
        pack_fail(p, "PUT /k/v1/app/template.json");
        goto out;
    }
    existed ? t->updated++ : t->created++;
    rc = 0;
out:
    json_decref(body);
    return rc;
}

/* The app codes: pack.json "apps" in order, then any other apps/<code>/ directory. */
static json_t *
app_codes(struct pack_run *p)
{
    json_t *out = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(p->manifest, "apps"), i, v)
    {
        const char *c = json_string_value(v);
        char *rel = c ? arena_printf(p->a, "%s/apps/%s/app.json", p->dir, c) : NULL;
        FILE *f = rel ? fopen(rel, "r") : NULL;
        if (f) {
            fclose(f);
            json_array_append(out, v);
        } else if (c && !p->quiet) {
            printf("  apps/%-23s not in this pack yet (skipped)\n", c);
        }
    }
    char **dirs = list_dir(p, "apps", "");
    for (size_t k = 0; dirs[k]; k++) {
        bool seen = false;
        json_array_foreach(out, i, v) seen |= strcmp(json_string_value(v), dirs[k]) == 0;
        char *rel = arena_printf(p->a, "%s/apps/%s/app.json", p->dir, dirs[k]);
        FILE *f = seen ? NULL : fopen(rel, "r");
        if (f) {
            fclose(f);
            json_array_append_new(out, json_string(dirs[k]));
        }
    }
    return out;
}

int
pack_install(struct pack_run *p, bool demo)
{
    p->file = "pack.json";
    p->manifest = pack_read_json(p, "pack.json", true);
    if (!p->manifest)
        return 1;
    p->code = json_string_value(json_object_get(p->manifest, "code"));
    const char *version = json_string_value(json_object_get(p->manifest, "version"));
    if (!p->code || !*p->code || !version) {
        fprintf(stderr, "madoguchi pack: pack.json: code and version are required\n");
        return 1;
    }
    p->code = arena_strdup(p->a, p->code);
    if (!p->quiet)
        printf("pack %s %s (%s)\n", p->code, version, p->dir);
    if (import_csv(p, "directory/orgs.csv", "orgs") || import_csv(p, "directory/groups.csv", "groups") ||
        load_reference(p))
        return 1;
    struct tally apps = { 0 }, forms = { 0 }, tpls = { 0 };
    json_t *codes = app_codes(p);
    size_t i;
    json_t *v;
    int rc = 0;
    const char *lrel = json_string_value(json_object_get(p->manifest, "ledger"));
    if (lrel) { /* the 審査台帳 first: the procedure apps' settings name it */
        p->ledger_def = pack_read_json(p, lrel, true);
        const char *lcode = json_string_value(json_object_get(p->ledger_def, "code"));
        if (!lcode) {
            fprintf(stderr, "madoguchi pack: %s: code is required\n", lrel);
            json_decref(codes);
            return 1;
        }
        if ((rc = install_app(p, lcode, lrel, &apps))) {
            json_decref(codes);
            return rc;
        }
        p->ledger_id = json_integer_value(json_object_get(p->apps, lcode));
    }
    json_array_foreach(codes, i, v)
    {
        const char *code = json_string_value(v);
        if ((rc = install_app(p, code, arena_printf(p->a, "apps/%s/app.json", code), &apps)))
            break;
    }
    if (!rc && pack_get(p, "/admin/api/forms.json") != 200)
        rc = pack_fail(p, "GET /admin/api/forms.json");
    json_t *existing = json_incref(p->resp);
    json_array_foreach(codes, i, v)
    {
        if (rc)
            break;
        const char *code = json_string_value(v);
        char **names = list_dir(p, arena_printf(p->a, "apps/%s/forms", code), ".json");
        for (size_t k = 0; !rc && names[k]; k++)
            rc = install_form(p, code, names[k], existing, &forms);
        long long id = json_integer_value(json_object_get(p->apps, code));
        names = list_dir(p, arena_printf(p->a, "apps/%s/templates", code), ".json");
        for (size_t k = 0; !rc && names[k]; k++)
            rc = install_template(p, code, id, names[k], &tpls);
    }
    json_decref(existing);
    if (!rc) {
        json_t *info = json_pack("{s:s,s:s,s:I,s:O,s:i,s:i}", "pack", p->code, "version", version,
                                 "installedAt", (json_int_t)p->c.now, "apps", p->apps, "forms",
                                 forms.created + forms.updated + forms.unchanged, "templates",
                                 tpls.created + tpls.updated + tpls.unchanged);
        char *text = json_dumps(info, JSON_COMPACT);
        if (pack_setting_put(&p->c, arena_printf(p->a, "pack:%s:installed", p->code), text) !=
            ERR_OK)
            rc = 1;
        else
            event_log(&p->c, "pack.install", PACK_INSTALLER, p->code, text);
        free(text);
        json_decref(info);
    }
    json_decref(codes);
    if (rc)
        return rc;
    printf("installed %s %s: apps %d (created %d, updated %d, unchanged %d), forms %d "
           "(created %d, updated %d, unchanged %d), templates %d (created %d, updated %d, "
           "unchanged %d)\n",
           p->code, version, apps.created + apps.updated + apps.unchanged, apps.created,
           apps.updated, apps.unchanged, forms.created + forms.updated + forms.unchanged,
           forms.created, forms.updated, forms.unchanged,
           tpls.created + tpls.updated + tpls.unchanged, tpls.created, tpls.updated,
           tpls.unchanged);
    return demo ? pack_demo_add(p) : 0;
}

int
pack_list(struct pack_run *p)
{
    json_t *all = NULL;
    if (pack_setting_list(&p->c, "pack:", &all) != ERR_OK)
        return 1;
    const char *k;
    json_t *v;
    int n = 0;
    json_object_foreach(all, k, v)
    {
        size_t len = strlen(k);
        if (len < 10 || strcmp(k + len - 10, ":installed") != 0)
            continue;
        json_t *info = json_loads(json_string_value(v), 0, NULL);
        const char *demo = NULL;
        char *dk = arena_printf(p->a, "pack:%s:demo", json_string_value(json_object_get(info, "pack")));
        if (pack_setting_get(&p->c, dk, &demo) != ERR_OK)
            demo = NULL;
        printf("%s\t%s\tapps %zu\tforms %lld\ttemplates %lld%s\n",
               json_string_value(json_object_get(info, "pack")),
               json_string_value(json_object_get(info, "version")),
               json_object_size(json_object_get(info, "apps")),
               (long long)json_integer_value(json_object_get(info, "forms")),
               (long long)json_integer_value(json_object_get(info, "templates")),
               demo ? "\tdemo" : "");
        json_decref(info);
        n++;
    }
    json_decref(all);
    if (!n)
        printf("(no packs installed)\n");
    return 0;
}
