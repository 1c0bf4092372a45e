/* The pack installer's bookkeeping and the 町丁目 master; see pack.h. */
#include "domain/pack.h"

#include "core/arena.h"
#include "db/db.h"
#include "domain/app.h"
#include "domain/pack_sql.h"

#include <stdio.h>
#include <string.h>

enum err
pack_setting_get(struct ctx *c, const char *key, const char **value)
{
    struct db_param p[] = { DBP_TEXT(key) };
    struct db_res *res = NULL;
    *value = NULL;
    int rc = db_query(c->db, PACK_SQL_GET, p, 1, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    rc = db_step(res);
    if (rc == 1)
        *value = arena_strdup(c->arena, db_col_text(res, 0));
    db_res_free(res);
    return rc < 0 ? app_db_fail(c, rc) : ERR_OK;
}

enum err
pack_setting_put(struct ctx *c, const char *key, const char *value)
{
    struct db_param p[] = { DBP_TEXT(key), DBP_TEXT(value) };
    int rc = db_exec(c->db, PACK_SQL_PUT, p, 2, NULL);
    return rc == DB_OK ? ERR_OK : app_db_fail(c, rc);
}

enum err
pack_setting_del(struct ctx *c, const char *key)
{
    struct db_param p[] = { DBP_TEXT(key) };
    int rc = db_exec(c->db, PACK_SQL_DEL, p, 1, NULL);
    return rc == DB_OK ? ERR_OK : app_db_fail(c, rc);
}

enum err
pack_setting_list(struct ctx *c, const char *prefix, json_t **out)
{
    struct db_param p[] = { DBP_TEXT(prefix) };
    struct db_res *res = NULL;
    *out = NULL;
    int rc = db_query(c->db, PACK_SQL_LIST, p, 1, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    json_t *o = json_object();
    while ((rc = db_step(res)) == 1)
        json_object_set_new(o, db_col_text(res, 0), json_string(db_col_text(res, 1)));
    db_res_free(res);
    if (rc < 0) {
        json_decref(o);
        return app_db_fail(c, rc);
    }
    *out = o;
    return ERR_OK;
}

enum err
pack_tokens_revoke(struct ctx *c, const char *name)
{
    struct db_param p[] = { DBP_TEXT(name), DBP_INT(c->now) };
    int rc = db_exec(c->db, PACK_SQL_TOKENS_REVOKE, p, 2, NULL);
    return rc == DB_OK ? ERR_OK : app_db_fail(c, rc);
}

enum err
pack_user(struct ctx *c, const char *login, int64_t *id, const char **name)
{
    struct db_param p[] = { DBP_TEXT(login) };
    struct db_res *res = NULL;
    *id = 0;
    *name = NULL;
    int rc = db_query(c->db, PACK_SQL_USER, p, 1, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    if ((rc = db_step(res)) == 1) {
        *id = db_col_int(res, 0);
        *name = arena_strdup(c->arena, db_col_text(res, 1));
    }
    db_res_free(res);
    return rc < 0 ? app_db_fail(c, rc) : ERR_OK;
}

/* ---- the 町丁目 master ---- */

static const char *
name_of(const json_t *o)
{
    return json_string_value(json_object_get(o, "name"));
}

bool
pack_chocho_check(const json_t *chocho, struct pack_counts *n, const char **why)
{
    memset(n, 0, sizeof(*n));
    const json_t *regions = json_object_get(chocho, "regions");
    if (!json_is_array(regions) || !json_array_size(regions))
        return *why = "regions is a non-empty array", false;
    json_t *towns = json_object();
    size_t i, j, k;
    const json_t *r, *t, *ch;
    bool ok = true;
    json_array_foreach(regions, i, r)
    {
        if (!name_of(r) || !json_is_string(json_object_get(r, "office")) ||
            !json_is_array(json_object_get(r, "towns"))) {
            *why = "each region has name, office and towns";
            ok = false;
            break;
        }
        n->regions++;
        json_array_foreach(json_object_get(r, "towns"), j, t)
        {
            if (!name_of(t) || !json_is_array(json_object_get(t, "chome")) ||
                !json_array_size(json_object_get(t, "chome"))) {
                *why = "each town has a name and a non-empty chome list";
                ok = false;
                break;
            }
            json_object_set_new(towns, name_of(t), json_true());
            json_array_foreach(json_object_get(t, "chome"), k, ch)
            {
                if (!name_of(ch)) {
                    *why = "each chome has a name";
                    ok = false;
                    break;
                }
                n->chome++;
            }
        }
        if (!ok)
            break;
    }
    n->towns = json_object_size(towns);
    json_decref(towns);
    return ok;
}

json_t *
pack_chocho_tree(const json_t *chocho)
{
    json_t *tree = json_object();
    size_t i, j, k;
    const json_t *r, *t, *ch;
    json_array_foreach(json_object_get(chocho, "regions"), i, r)
    {
        json_t *towns = json_object();
        json_array_foreach(json_object_get(r, "towns"), j, t)
        {
            json_t *list = json_array();
            json_array_foreach(json_object_get(t, "chome"), k, ch)
                json_array_append_new(list, json_string(name_of(ch)));
            json_object_set_new(towns, name_of(t), list);
        }
        json_object_set_new(tree, name_of(r), towns);
    }
    return tree;
}

/* Adds key → office; a key already there with another office keeps the first and is to be
 * checked. */
static void
route_add(json_t *map, json_t *check, const char *key, const char *office, bool unsure)
{
    const char *had = json_string_value(json_object_get(map, key));
    if (!had)
        json_object_set_new(map, key, json_string(office));
    else if (strcmp(had, office) != 0)
        unsure = true;
    if (unsure)
        json_object_set_new(check, key, json_true());
}

void
pack_chocho_routing(const json_t *chocho, json_t **map_out, json_t **check_out)
{
    json_t *map = json_object(), *check = json_object();
    size_t i, j, k;
    const json_t *r, *t, *ch;
    char key[512];
    json_array_foreach(json_object_get(chocho, "regions"), i, r)
    {
        const char *rn = name_of(r), *office = json_string_value(json_object_get(r, "office"));
        route_add(map, check, rn, office, false);
        json_array_foreach(json_object_get(r, "towns"), j, t)
        {
            const char *tn = name_of(t);
            const char *toffice = json_string_value(json_object_get(t, "office"));
            if (!toffice)
                toffice = office;
            bool town_unsure = false;
            json_array_foreach(json_object_get(t, "chome"), k, ch)
                town_unsure |= json_is_true(json_object_get(ch, "check"));
            snprintf(key, sizeof(key), "%s/%s", rn, tn);
            route_add(map, check, key, toffice, town_unsure);
            route_add(map, check, tn, toffice, town_unsure);
            json_array_foreach(json_object_get(t, "chome"), k, ch)
            {
                const char *cn = name_of(ch);
                const char *coffice = json_string_value(json_object_get(ch, "office"));
                bool unsure = json_is_true(json_object_get(ch, "check"));
                if (!coffice)
                    coffice = toffice;
                snprintf(key, sizeof(key), "%s/%s/%s", rn, tn, cn);
                route_add(map, check, key, coffice, unsure);
                snprintf(key, sizeof(key), "%s/%s", tn, cn);
                route_add(map, check, key, coffice, unsure);
                snprintf(key, sizeof(key), "%s%s", tn, cn);
                route_add(map, check, key, coffice, unsure);
            }
        }
    }
    json_t *list = json_array();
    const char *key2;
    json_t *v;
    json_object_foreach(check, key2, v) json_array_append_new(list, json_string(key2));
    json_decref(check);
    *map_out = map;
    *check_out = list;
}

json_t *
pack_chocho_names(const json_t *chocho, int level)
{
    json_t *seen = json_object(), *out = json_array();
    size_t i, j, k;
    const json_t *r, *t, *ch;
    json_array_foreach(json_object_get(chocho, "regions"), i, r)
    {
        const char *names[1] = { name_of(r) };
        if (level == 0 && names[0] && !json_object_get(seen, names[0])) {
            json_object_set_new(seen, names[0], json_true());
            json_array_append_new(out, json_string(names[0]));
        }
        json_array_foreach(json_object_get(r, "towns"), j, t)
        {
            const char *tn = name_of(t);
            if (level == 1 && tn && !json_object_get(seen, tn)) {
                json_object_set_new(seen, tn, json_true());
                json_array_append_new(out, json_string(tn));
            }
            json_array_foreach(json_object_get(t, "chome"), k, ch)
            {
                const char *cn = name_of(ch);
                if (level == 2 && cn && !json_object_get(seen, cn)) {
                    json_object_set_new(seen, cn, json_true());
                    json_array_append_new(out, json_string(cn));
                }
            }
        }
    }
    json_decref(seen);
    return out;
}

size_t
pack_fields_options_from(json_t *props, const char *name, const json_t *chocho)
{
    size_t n = 0;
    const char *code;
    json_t *def;
    json_object_foreach(props, code, def)
    {
        const char *from = json_string_value(json_object_get(def, "optionsFrom"));
        if (!from || strcmp(from, name) != 0)
            continue;
        json_object_del(def, "optionsFrom");
        n++;
        json_t *opts = json_object_get(def, "options");
        if (!json_is_object(opts) || !chocho)
            continue;
        /* the level whose names the listed options are */
        int best = -1;
        size_t best_hits = 0;
        for (int lvl = 0; lvl < 3; lvl++) {
            json_t *names = pack_chocho_names(chocho, lvl);
            size_t hits = 0, i;
            json_t *v;
            json_array_foreach(names, i, v) hits += json_object_get(opts, json_string_value(v)) != NULL;
            if (hits > best_hits)
                best = lvl, best_hits = hits;
            json_decref(names);
        }
        if (best < 0)
            continue;
        json_t *names = pack_chocho_names(chocho, best);
        size_t next = json_object_size(opts), i;
        json_t *v;
        json_array_foreach(names, i, v)
        {
            const char *s = json_string_value(v);
            if (json_object_get(opts, s))
                continue;
            char idx[24];
            snprintf(idx, sizeof(idx), "%zu", next++);
            json_object_set_new(opts, s, json_pack("{s:s,s:s}", "label", s, "index", idx));
        }
        json_decref(names);
    }
    return n;
}

size_t
pack_options_from(json_t *node, const char *name, const json_t *tree, const char **unknown)
{
    size_t n = 0, i;
    json_t *v;
    const char *key;
    if (json_is_array(node)) {
        json_array_foreach(node, i, v) n += pack_options_from(v, name, tree, unknown);
        return n;
    }
    if (!json_is_object(node))
        return 0;
    const char *from = json_string_value(json_object_get(node, "optionsFrom"));
    if (from && strcmp(from, name) == 0) {
        json_object_del(node, "optionsFrom");
        json_object_set_new(node, "optionsTree", json_deep_copy(tree));
        n++;
    } else if (from && unknown && !*unknown) {
        *unknown = from;
    }
    json_object_foreach(node, key, v) n += pack_options_from(v, name, tree, unknown);
    return n;
}
