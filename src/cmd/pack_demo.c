/* Demo data of a pack (`pack install --demo`, `pack remove-demo`; demo/demo.json): a user for
 * every role in every office (login demo-<office>-<role>, a random temporary password printed
 * once and written to <data>/demo-passwords.txt, mode 0600), and fictional applications spread
 * over the pack's apps, offices and the last months: each is created with the clock set back
 * to its receipt day and moved along its process by the process's own actions, so statuses,
 * history and the legal clock are what real use would have left. Values come from the app's
 * fields (types, options, labels) so any pack's apps get plausible records. Everything made is
 * listed under the settings key pack:<pack>:demo, which is what remove-demo deletes (records:
 * deleted like any record; users: disabled, as the directory keeps its people). */
#include "cmd/pack_int.h"

#include "core/clock.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/auth.h"
#include "domain/event.h"
#include "domain/field.h"
#include "domain/pack.h"
#include "domain/wf.h"
#include "domain/app.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct rng {
    uint64_t s;
};

static uint32_t
rnd(struct rng *r, uint32_t n)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return n ? (uint32_t)(r->s % n) : 0;
}

static const char *
pick(struct rng *r, const json_t *list, const char *dflt)
{
    size_t n = json_array_size(list);
    const char *s = n ? json_string_value(json_array_get(list, rnd(r, (uint32_t)n))) : NULL;
    return s ? s : dflt;
}

static void
password(char out[17])
{
    static const char alpha[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    for (int i = 0; i < 16; i++)
        out[i] = alpha[randombytes_uniform(sizeof(alpha) - 1)];
    out[16] = '\0';
}

static bool
contains(const char *s, const char *word)
{
    return s && strstr(s, word);
}

/* ---- users ---- */

static int
add_users(struct pack_run *p, const json_t *conf, json_t *logins)
{
    struct strbuf csv;
    strbuf_init(&csv, NULL, 1 << 20);
    strbuf_adds(&csv, "code,name,primary_org,orgs,groups,admin,disabled,password\n");
    char *path = arena_printf(p->a, "%s/demo-passwords.txt", p->rt->cfg.data);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        fprintf(stderr, "madoguchi pack: cannot write %s: %s\n", path, strerror(errno));
        strbuf_release(&csv);
        return 1;
    }
    fprintf(f, "# デモ利用者の初期パスワード (初回ログインで変更が必要) / demo users' first passwords\n");
    printf("demo users (temporary passwords, shown once; also in %s):\n", path);
    size_t i, j;
    const json_t *o, *r;
    json_array_foreach(json_object_get(conf, "offices"), i, o)
    {
        json_array_foreach(json_object_get(conf, "roles"), j, r)
        {
            const char *login = arena_printf(p->a, "demo-%s-%s",
                                             json_string_value(json_object_get(o, "login")),
                                             json_string_value(json_object_get(r, "group")));
            char pw[17];
            password(pw);
            strbuf_addf(&csv, "%s,【デモ】%s %s,%s,%s,%s,%d,0,%s\n", login,
                          json_string_value(json_object_get(o, "name")),
                          json_string_value(json_object_get(r, "name")),
                          json_string_value(json_object_get(o, "org")),
                          json_string_value(json_object_get(o, "org")),
                          json_string_value(json_object_get(r, "group")),
                          json_is_true(json_object_get(r, "admin")) ? 1 : 0, pw);
            fprintf(f, "%s\t%s\n", login, pw);
            printf("  %-36s %s\n", login, pw);
            json_array_append_new(logins, json_string(login));
            sodium_memzero(pw, sizeof(pw));
        }
    }
    fclose(f);
    json_t *body = json_pack("{s:s,s:s}", "kind", "users", "csv", csv.buf);
    sodium_memzero(csv.buf, csv.len);
    strbuf_release(&csv);
    p->file = "demo/demo.json (users)";
    int st = pack_call(p, "POST", "/admin/api/import.json", body, NULL);
    json_t *csvv = json_object_get(body, "csv");
    if (csvv)
        sodium_memzero((char *)json_string_value(csvv), strlen(json_string_value(csvv)));
    json_decref(body);
    return st == 200 ? 0 : pack_fail(p, "import demo users");
}

/* ---- records ---- */

struct app_info {
    long long id;
    json_t *props;   /* live fields */
    json_t *routing; /* settings.routing or NULL */
    json_t *actions; /* the process's actions or NULL when off */
    const char *first_status;
    const char *token;
};

static const char *
date_after(struct pack_run *p, int64_t when, int days)
{
    char buf[16];
    clock_format_date((when + 9 * 3600) / 86400 + days, buf);
    return arena_strdup(p->a, buf);
}

static json_t *
option_keys(const json_t *def)
{
    json_t *out = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(def, "options"), k, v) json_array_append_new(out, json_string(k));
    return out;
}

static bool
is_site_or_office(const struct app_info *ai, const char *code)
{
    const json_t *r = ai->routing;
    const char *of = json_string_value(json_object_get(r, "officeField"));
    const char *cf = json_string_value(json_object_get(r, "checkField"));
    if ((of && !strcmp(of, code)) || (cf && !strcmp(cf, code)))
        return true;
    const json_t *sf = json_object_get(r, "siteField");
    if (json_is_string(sf))
        return !strcmp(json_string_value(sf), code);
    size_t i;
    const json_t *e;
    json_array_foreach(sf, i, e) if (json_is_string(e) && !strcmp(json_string_value(e), code)) return true;
    return false;
}

/* A plausible value for one field, or NULL to leave it empty. */
static json_t *
demo_value(struct pack_run *p, struct rng *r, const json_t *conf, const char *code,
           const json_t *def, int64_t when)
{
    const char *label = json_string_value(json_object_get(def, "label"));
    if (!label)
        label = code;
    if (json_is_true(json_object_get(def, "unique")) || contains(label, "番号"))
        return NULL; /* receipt and document numbers come from the process */
    switch (field_def_type(def)) {
    case FT_SINGLE_LINE_TEXT:
        if (contains(label, "フリガナ") || contains(label, "ふりがな") || contains(label, "カナ"))
            return json_string("デモ タロウ");
        if (contains(label, "電話"))
            return json_string("03-5432-0000");
        if (contains(label, "メール"))
            return json_string("demo@example.jp");
        if (contains(label, "郵便"))
            return json_string("154-0017");
        if (contains(label, "住所") || contains(label, "所在"))
            return json_string("東京都世田谷区デモ町1-2-3 (架空)");
        if (contains(label, "法人") || contains(label, "会社") || contains(label, "事務所"))
            return json_string(arena_printf(p->a, "【デモ】%s",
                                            pick(r, json_object_get(conf, "companies"), "架空株式会社")));
        if (contains(label, "氏名") || contains(label, "名称") || contains(label, "者"))
            return json_string(arena_printf(p->a, "【デモ】%s %s",
                                            pick(r, json_object_get(conf, "surnames"), "山田"),
                                            pick(r, json_object_get(conf, "givenNames"), "太郎")));
        return json_string("デモ");
    case FT_MULTI_LINE_TEXT:
        return json_string("デモデータです(架空の申請)。This is a fictional demo application.");
    case FT_NUMBER: {
        long long lo = atoll(json_string_value(json_object_get(def, "minValue")) ?: "1");
        long long hi = atoll(json_string_value(json_object_get(def, "maxValue")) ?: "0");
        if (hi <= lo)
            hi = lo + 500;
        return json_string(arena_printf(p->a, "%lld", lo + (long long)rnd(r, (uint32_t)(hi - lo + 1))));
    }
    case FT_DATE:
        return json_string(date_after(p, when, 10 + (int)rnd(r, 60)));
    case FT_DROP_DOWN:
    case FT_RADIO_BUTTON: {
        json_t *keys = option_keys(def);
        json_t *v = json_array_size(keys) ? json_string(pick(r, keys, "")) : NULL;
        json_decref(keys);
        return v;
    }
    case FT_CHECK_BOX:
    case FT_MULTI_SELECT: {
        json_t *keys = option_keys(def);
        json_t *v = json_array_size(keys) ? json_pack("[s]", pick(r, keys, "")) : NULL;
        json_decref(keys);
        return v;
    }
    default:
        return NULL;
    }
}

/* Fields a process action fills (受付番号, 受付日, 決裁日, 文書番号...): the staff's, left for
 * the actions the demo runs, so their values follow the record's own calendar. */
static bool
set_by_process(const struct app_info *ai, const char *code)
{
    size_t i, k;
    const json_t *a, *s;
    json_array_foreach(ai->actions, i, a)
    {
        json_array_foreach(json_object_get(a, "set"), k, s)
        {
            const char *f = json_string_value(json_object_get(s, "field"));
            if (f && !strcmp(f, code))
                return true;
        }
    }
    return false;
}

/* The record: site answers from the 町丁目 tree, the rest from the field types. */
static json_t *
demo_record(struct pack_run *p, struct rng *r, const json_t *conf, const struct app_info *ai,
            int64_t when, bool minimal)
{
    json_t *rec = json_object();
    const json_t *sf = json_object_get(ai->routing, "siteField");
    if (p->tree && sf) {
        /* walk the tree: 地域, 町名, 丁目 */
        const char *keys[3];
        const json_t *node = p->tree;
        for (int lvl = 0; lvl < 3; lvl++) {
            if (json_is_object(node)) {
                size_t n = json_object_size(node), k = rnd(r, (uint32_t)n), i = 0;
                const char *key;
                json_t *v;
                json_object_foreach((json_t *)node, key, v)
                {
                    if (i++ == k) {
                        keys[lvl] = key;
                        node = v;
                        break;
                    }
                }
            } else {
                keys[lvl] = pick(r, node, "一丁目");
            }
        }
        size_t nf = json_is_array(sf) ? json_array_size(sf) : 1;
        for (size_t i = 0; i < nf && i < 3; i++) {
            const char *code = json_is_array(sf) ? json_string_value(json_array_get(sf, i))
                                                 : json_string_value(sf);
            /* one field: 町名丁目; two: 町名, 丁目; three: 地域, 町名, 丁目 */
            const char *val = nf == 1 ? arena_printf(p->a, "%s%s", keys[1], keys[2])
                                      : keys[3 - nf + i];
            if (code && json_object_get(ai->props, code))
                json_object_set_new(rec, code, json_pack("{s:s}", "value", val));
        }
    }
    if (minimal)
        return rec;
    const char *code;
    json_t *def;
    json_object_foreach(ai->props, code, def)
    {
        if (json_object_get(rec, code) || is_site_or_office(ai, code) || set_by_process(ai, code))
            continue;
        json_t *v = demo_value(p, r, conf, code, def, when);
        if (v)
            json_object_set_new(rec, code, json_pack("{s:o}", "value", v));
    }
    return rec;
}

static int
load_app(struct pack_run *p, long long id, struct app_info *ai)
{
    memset(ai, 0, sizeof(*ai));
    ai->id = id;
    if (!(ai->token = pack_app_token(p, id)))
        return 1;
    if (pack_call(p, "GET", arena_printf(p->a, "/k/v1/app/form/fields.json?app=%lld", id), NULL,
                  ai->token) != 200)
        return pack_fail(p, "GET fields");
    ai->props = json_incref(json_object_get(p->resp, "properties"));
    if (pack_call(p, "GET", arena_printf(p->a, "/k/v1/app/settings.json?app=%lld", id), NULL,
                  ai->token) != 200)
        return pack_fail(p, "GET settings");
    ai->routing = json_incref(json_object_get(p->resp, "routing"));
    if (pack_call(p, "GET", arena_printf(p->a, "/k/v1/app/status.json?app=%lld", id), NULL,
                  ai->token) != 200)
        return pack_fail(p, "GET status");
    if (json_is_true(json_object_get(p->resp, "enable")))
        ai->actions = json_incref(json_object_get(p->resp, "actions"));
    return 0;
}

static void
free_app(struct app_info *ai)
{
    json_decref(ai->props);
    json_decref(ai->routing);
    json_decref(ai->actions);
}

/* The demo login of an office's role ("demo-kitazawa-tanto"), or NULL when the office is not
 * one of demo.json's. */
static const char *
office_login(struct pack_run *p, const json_t *conf, const char *org, const char *role)
{
    size_t i;
    const json_t *o;
    json_array_foreach(json_object_get(conf, "offices"), i, o)
    {
        const char *c = json_string_value(json_object_get(o, "org"));
        if (org && c && !strcmp(c, org))
            return arena_printf(p->a, "demo-%s-%s", json_string_value(json_object_get(o, "login")),
                                role);
    }
    return NULL;
}

/* One process action on the record as the demo user login (the person whose turn it is),
 * through the workflow module itself, as a signed-in user's request would run it. Mostly a
 * forward action (no required reason); now and then one that needs a reason (差戻し, 取下げ).
 * For a step with one assignee to choose, a demo user of the same office is taken. */
static bool
act_as(struct pack_run *p, struct rng *r, const struct app_info *ai, long long id,
       const char *login, const char *office_prefix, int64_t when)
{
    struct arena *a = arena_new();
    struct fail f;
    struct ctx uc;
    runtime_ctx(p->rt, &uc, a, &f);
    uc.now = when;
    const char *name = NULL;
    int64_t uid = 0;
    bool ok = false;
    json_t *out = NULL;
    if (db_begin(p->rt->db, true) != DB_OK)
        goto done;
    if (pack_user(&uc, login, &uid, &name) != ERR_OK || !uid)
        goto rollback;
    memset(&uc.who, 0, sizeof(uc.who));
    uc.who.kind = PRIN_USER;
    uc.who.user_id = uid;
    uc.who.login = login;
    uc.who.name = name;
    struct app_def d;
    if (app_load(&uc, ai->id, false, &d) != ERR_OK || wf_actions_for(&uc, &d, id, &out) != ERR_OK)
        goto rollback;
    json_t *fwd = json_array(), *other = json_array();
    size_t i;
    json_t *act;
    json_array_foreach(json_object_get(out, "actions"), i, act)
    {
        const char *reason = json_string_value(json_object_get(act, "reason"));
        const char *an = json_string_value(json_object_get(act, "name"));
        bool back = (reason && !strcmp(reason, "REQUIRED")) || contains(an, "修正") ||
                    contains(an, "差戻") || contains(an, "取下") || contains(an, "不許可") ||
                    contains(an, "却下") || contains(an, "不受理");
        json_array_append(back ? other : fwd, act);
    }
    json_t *pickd = NULL;
    if (json_array_size(other) && (rnd(r, 14) == 0 || !json_array_size(fwd)))
        pickd = json_array_get(other, rnd(r, (uint32_t)json_array_size(other)));
    else if (json_array_size(fwd))
        pickd = json_array_get(fwd, rnd(r, (uint32_t)json_array_size(fwd)));
    struct wf_request rq = { .id = id, .expected_revision = -1 };
    if (pickd) {
        rq.action = arena_strdup(a, json_string_value(json_object_get(pickd, "name")));
        const char *reason = json_string_value(json_object_get(pickd, "reason"));
        if (reason && strcmp(reason, "NONE") != 0)
            rq.reason = "デモ: 架空の理由";
        const json_t *cands = json_object_get(pickd, "assigneeCandidates");
        json_t *cand;
        json_array_foreach(cands, i, cand)
        {
            const char *code = json_string_value(json_object_get(cand, "code"));
            if (!code)
                code = json_string_value(cand);
            if (code && (!rq.assignee || (office_prefix && !strncmp(code, office_prefix, strlen(office_prefix)) &&
                                          strncmp(rq.assignee, office_prefix, strlen(office_prefix)))))
                rq.assignee = arena_strdup(a, code);
        }
    }
    json_decref(fwd);
    json_decref(other);
    int64_t rev;
    if (!rq.action || wf_run(&uc, &d, &rq, "record", &rev) != ERR_OK)
        goto rollback;
    ok = db_commit(p->rt->db) == DB_OK;
    goto done;
rollback:
    (void)db_rollback(p->rt->db);
done:
    json_decref(out);
    arena_free(a);
    return ok;
}

/* Moves the record along its process for up to `steps` actions, each a few days after the
 * last, by whoever's turn it is: an assignee of the record, else the office's 担当. */
static int
walk(struct pack_run *p, struct rng *r, const json_t *conf, struct app_info *ai, long long id,
     int steps, int64_t *when, int64_t now)
{
    int done = 0;
    const char *office_field = json_string_value(json_object_get(ai->routing, "officeField"));
    for (int s = 0; s < steps; s++) {
        if (pack_call(p, "GET", arena_printf(p->a, "/k/v1/record.json?app=%lld&id=%lld", ai->id, id),
                      NULL, ai->token) != 200)
            break;
        const json_t *rec = json_object_get(p->resp, "record");
        const char *org = office_field ? json_string_value(json_object_get(json_array_get(
                                             json_object_get(json_object_get(rec, office_field), "value"), 0), "code"))
                                       : NULL;
        const char *tanto = office_login(p, conf, org, "tanto");
        const char *prefix = tanto ? arena_strndup(p->a, tanto, strlen(tanto) - 5) : NULL; /* demo-x- */
        const char *actor = json_string_value(json_object_get(json_array_get(
            json_object_get(json_object_get(rec, "作業者"), "value"), 0), "code"));
        actor = actor ? arena_strdup(p->a, actor) : tanto;
        if (!actor)
            break;
        *when += (int64_t)(1 + rnd(r, 6)) * 86400;
        if (*when > now)
            *when = now;
        clock_set_offset_ms((*when - now) * 1000);
        if (!act_as(p, r, ai, id, actor, prefix, *when))
            break;
        done++;
    }
    return done;
}

static int
cmp_time(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int
add_records(struct pack_run *p, const json_t *conf, json_t *made)
{
    size_t napps = json_object_size(p->apps) - (p->ledger_id ? 1 : 0);
    long long total = json_integer_value(json_object_get(conf, "records"));
    long long months = json_integer_value(json_object_get(conf, "months"));
    if (!napps || total <= 0)
        return 0;
    if (months <= 0)
        months = 12;
    struct rng r = { (uint64_t)json_integer_value(json_object_get(conf, "seed")) | 1 };
    struct app_info *apps = calloc(napps, sizeof(*apps));
    const char *code;
    json_t *v;
    size_t k = 0;
    int rc = 0;
    json_object_foreach(p->apps, code, v)
    {
        if (json_integer_value(v) == p->ledger_id)
            continue; /* the 審査台帳 fills itself */
        if ((rc = load_app(p, json_integer_value(v), &apps[k++])))
            break;
        json_object_set_new(made, arena_printf(p->a, "%lld", (long long)json_integer_value(v)),
                            json_array());
    }
    int64_t now = clock_now_ms() / 1000;
    long long created = 0, failed = 0, steps = 0, retried = 0;
    /* receipt days, oldest first: numbers drawn by the process then follow the calendar */
    int64_t *days = calloc((size_t)total, sizeof(*days));
    for (long long i = 0; i < total; i++)
        days[i] = now - (int64_t)rnd(&r, (uint32_t)(months * 30)) * 86400 -
                  (int64_t)rnd(&r, 8 * 3600);
    qsort(days, (size_t)total, sizeof(*days), cmp_time);
    for (long long i = 0; !rc && i < total; i++) {
        struct app_info *ai = &apps[rnd(&r, (uint32_t)k)];
        int64_t when = days[i];
        clock_set_offset_ms((when - now) * 1000);
        json_t *rec = demo_record(p, &r, conf, ai, when, false);
        json_t *body = json_pack("{s:I,s:o}", "app", (json_int_t)ai->id, "record", rec);
        int st = pack_call(p, "POST", "/k/v1/record.json", body, ai->token);
        json_decref(body);
        if (st != 200) { /* a field rule the generic values miss: the site alone */
            if (!retried++)
                pack_fail(p, "demo record (retried with the site only)");
            rec = demo_record(p, &r, conf, ai, when, true);
            body = json_pack("{s:I,s:o}", "app", (json_int_t)ai->id, "record", rec);
            st = pack_call(p, "POST", "/k/v1/record.json", body, ai->token);
            json_decref(body);
        }
        if (st != 200) {
            failed++;
            continue;
        }
        long long id = atoll(json_string_value(json_object_get(p->resp, "id")));
        json_array_append_new(json_object_get(made, arena_printf(p->a, "%lld", ai->id)),
                              json_integer(id));
        created++;
        json_t *cm = json_pack("{s:I,s:I,s:{s:s}}", "app", (json_int_t)ai->id, "record",
                               (json_int_t)id, "comment", "text",
                               "デモデータ(架空の申請)です。pack remove-demo で削除されます。");
        (void)pack_call(p, "POST", "/k/v1/record/comment.json", cm, ai->token);
        json_decref(cm);
        if (ai->actions)
            steps += walk(p, &r, conf, ai, id,
                          now - when > 45 * 86400 ? 4 + (int)rnd(&r, 9) : (int)rnd(&r, 6), &when, now);
    }
    clock_set_offset_ms(0);
    free(days);
    for (size_t j = 0; j < k; j++)
        free_app(&apps[j]);
    free(apps);
    pack_tokens_revoke_all(p);
    printf("demo records: %lld created over %zu apps (%lld process actions)%s\n", created, napps,
           steps, failed ? arena_printf(p->a, ", %lld could not be made", failed) : "");
    return rc;
}

static const char *
demo_key(struct pack_run *p, const char *pack)
{
    return arena_printf(p->a, "pack:%s:demo", pack);
}

int
pack_demo_add(struct pack_run *p)
{
    const char *had = NULL;
    if (pack_setting_get(&p->c, demo_key(p, p->code), &had) != ERR_OK)
        return 1;
    if (had) {
        printf("demo data of %s is installed already (madoguchi pack remove-demo to remove it)\n",
               p->code);
        return 0;
    }
    json_t *conf = pack_read_json(p, "demo/demo.json", true);
    if (!conf)
        return 1;
    json_t *logins = json_array(), *records = json_object();
    int rc = add_users(p, conf, logins);
    if (!rc)
        rc = add_records(p, conf, records);
    /* recorded even after a failure: remove-demo must find what was made */
    json_t *demo = json_pack("{s:o,s:o,s:I,s:I}", "users", logins, "records", records, "createdAt",
                             (json_int_t)p->c.now, "ledger", (json_int_t)p->ledger_id);
    char *text = json_dumps(demo, JSON_COMPACT);
    if (pack_setting_put(&p->c, demo_key(p, p->code), text) != ERR_OK)
        rc = 1;
    event_log(&p->c, "pack.demo.add", PACK_INSTALLER, p->code,
              arena_printf(p->a, "{\"users\":%zu}", json_array_size(json_object_get(demo, "users"))));
    free(text);
    json_decref(demo);
    json_decref(conf);
    return rc;
}

static int
remove_one(struct pack_run *p, const char *pack, const char *text)
{
    json_t *demo = json_loads(text, 0, NULL);
    long long recs = 0, users = 0;
    int rc = 0;
    const char *app;
    json_t *ids;
    json_object_foreach(json_object_get(demo, "records"), app, ids)
    {
        for (size_t off = 0; !rc && off < json_array_size(ids); off += 100) {
            json_t *chunk = json_array();
            for (size_t i = off; i < off + 100 && i < json_array_size(ids); i++)
                json_array_append(chunk, json_array_get(ids, i));
            size_t n = json_array_size(chunk);
            json_t *body = json_pack("{s:I,s:o}", "app", (json_int_t)atoll(app), "ids", chunk);
            const char *tok = pack_app_token(p, atoll(app));
            int st = tok ? pack_call(p, "DELETE", "/k/v1/records.json", body, tok) : 404;
            json_decref(body);
            if (st == 200)
                recs += (long long)n;
            else if (st != 404) /* gone already (deleted by hand, app removed) */
                rc = pack_fail(p, "delete demo records");
        }
    }
    /* their 審査台帳 rows (marked 削除済み by now) go too */
    long long ledger = json_integer_value(json_object_get(demo, "ledger"));
    json_object_foreach(json_object_get(demo, "records"), app, ids)
    {
        for (size_t off = 0; ledger && !rc && off < json_array_size(ids); off += 100) {
            struct strbuf q;
            strbuf_init(&q, NULL, 1 << 16);
            strbuf_adds(&q, "(");
            for (size_t i = off; i < off + 100 && i < json_array_size(ids); i++)
                strbuf_addf(&q, "%s台帳キー = \"%s-%lld\"", i > off ? " or " : "", app,
                            (long long)json_integer_value(json_array_get(ids, i)));
            strbuf_adds(&q, ") limit 500");
            int st = pack_records(p, ledger, q.buf);
            strbuf_release(&q);
            json_t *body;
            if (st != 200)
                pack_fail(p, "find the demo ledger rows");
            json_t *del = json_array();
            size_t k;
            json_t *r;
            json_array_foreach(st == 200 ? json_object_get(p->resp, "records") : NULL, k, r)
                json_array_append_new(del, json_string(json_string_value(
                                               json_object_get(json_object_get(r, "$id"), "value"))));
            if (json_array_size(del)) {
                body = json_pack("{s:I,s:o}", "app", (json_int_t)ledger, "ids", del);
                (void)pack_call(p, "DELETE", "/k/v1/records.json", body, NULL);
                json_decref(body);
            } else {
                json_decref(del);
            }
        }
    }
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(demo, "users"), i, u)
    {
        if (rc)
            break;
        json_t *body = json_pack("{s:O}", "code", u);
        int st = pack_call(p, "DELETE", "/admin/api/users.json", body, NULL);
        json_decref(body);
        if (st == 200)
            users++;
        else if (st != 404)
            rc = pack_fail(p, "disable demo user");
    }
    json_decref(demo);
    pack_tokens_revoke_all(p);
    if (rc)
        return rc;
    if (pack_setting_del(&p->c, demo_key(p, pack)) != ERR_OK)
        return 1;
    char *path = arena_printf(p->a, "%s/demo-passwords.txt", p->rt->cfg.data);
    unlink(path);
    event_log(&p->c, "pack.demo.remove", PACK_INSTALLER, pack,
              arena_printf(p->a, "{\"records\":%lld,\"users\":%lld}", recs, users));
    printf("removed the demo data of %s: %lld records deleted, %lld users disabled\n", pack, recs,
           users);
    return 0;
}

int
pack_demo_remove(struct pack_run *p, const char *code)
{
    json_t *all = NULL;
    if (pack_setting_list(&p->c, "pack:", &all) != ERR_OK)
        return 1;
    int rc = 0, n = 0;
    const char *k;
    json_t *v;
    json_object_foreach(all, k, v)
    {
        size_t len = strlen(k);
        if (len < 10 || strcmp(k + len - 5, ":demo") != 0)
            continue;
        char *pack = arena_strndup(p->a, k + 5, len - 10);
        if (code && strcmp(code, pack) != 0)
            continue;
        n++;
        if ((rc = remove_one(p, pack, json_string_value(v))))
            break;
    }
    json_decref(all);
    if (!rc && !n)
        printf("no demo data installed\n");
    return rc;
}
