/* madoguchi org | group: organisations (a tree) and groups (roles) from the command line,
 * through the same directory functions as the admin API. */
#include "cmd/cmd.h"

#include "cmd/dir_cli.h"

#include <stdlib.h>
#include <string.h>

struct dargs {
    const char *pos[DIRCLI_MAX_POS];
    int npos;
    const char *name, *name_en, *parent, *sort, *description;
    bool top, json, dry_run, create;
    struct dir_org_in org;
    struct dir_group_in group;
};

static int
usage_error(struct runtime *rt, const char *cmd, const char *msg)
{
    fprintf(stderr, "madoguchi %s: %s (see madoguchi %s --help)\n", cmd, msg, cmd);
    config_release(&rt->cfg);
    return 2;
}

/* ---- org ---- */

static void
org_usage(FILE *out)
{
    fputs("usage: madoguchi org VERB [--data DIR] [--db URL] ...   (docs/admin.md)\n\n"
          "  add CODE --name NAME [--name-en N] [--parent CODE] [--sort N]\n"
          "  set CODE [--name N] [--name-en N] [--parent CODE | --top] [--sort N]\n"
          "      a parent may not be the organisation itself or one below it\n"
          "  list [--json]          the tree (sort order, then creation)\n"
          "  delete CODE            refused while it has sub-organisations or members\n"
          "  import FILE|- [--dry-run] [--json]\n"
          "      CSV columns code,name,name_en,parent,sort; all rows or none\n",
          out);
}

static int
org_save_fn(struct ctx *c, void *arg)
{
    struct dargs *a = arg;
    struct dir_result res;
    enum dir_mode mode = a->create ? DIR_CREATE : DIR_UPDATE;
    if (dir_org_save(c, &a->org, mode, &res) != ERR_OK)
        return 1;
    dircli_event(c, mode == DIR_CREATE ? "admin.org.create" : "admin.org.update", a->org.code,
                 &res);
    printf("organization %s %s\n", a->org.code, dircli_action(res.action));
    return 0;
}

static bool
fill_org(struct dargs *a)
{
    memset(&a->org, 0, sizeof(a->org));
    a->org.code = a->pos[0];
    a->org.name = a->name;
    a->org.name_en = a->name_en;
    a->org.parent = a->top ? "" : a->parent;
    if (a->sort) {
        char *end;
        a->org.sort_order = strtoll(a->sort, &end, 10);
        a->org.set_sort = true;
        if (*end || end == a->sort)
            return false;
    }
    return true;
}

/* Prints the children of parent (0 = top level) at depth, recursively. */
static void
print_tree(const struct dir_org *o, size_t n, int64_t parent, int depth)
{
    for (size_t i = 0; i < n; i++) {
        if (o[i].parent_id != parent)
            continue;
        printf("%*s%s  %s%s%s\n", depth * 2, "", o[i].code, o[i].name,
               *o[i].name_en ? " / " : "", o[i].name_en);
        if (depth < 64)
            print_tree(o, n, o[i].id, depth + 1);
    }
}

static int
by_sort(const void *x, const void *y)
{
    const struct dir_org *a = x, *b = y;
    if (a->sort_order != b->sort_order)
        return a->sort_order < b->sort_order ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

static int
org_list_fn(struct ctx *c, void *arg)
{
    struct dargs *a = arg;
    struct dir_query q = { 0 };
    struct dir_org *o;
    size_t n;
    if (dir_orgs_list(c, &q, &o, &n) != ERR_OK)
        return 1;
    if (a->json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, dir_org_json(&o[i]));
        dircli_print_json(arr);
        return 0;
    }
    if (n > 1)
        qsort(o, n, sizeof(*o), by_sort);
    print_tree(o, n, 0, 0);
    return 0;
}

static int
org_delete_fn(struct ctx *c, void *arg)
{
    struct dargs *a = arg;
    struct dir_result res;
    if (dir_org_delete(c, a->pos[0], &res) != ERR_OK)
        return 1;
    dircli_event(c, "admin.org.delete", a->pos[0], &res);
    printf("organization %s deleted\n", a->pos[0]);
    return 0;
}

static int
org_import_fn(struct ctx *c, void *arg)
{
    struct dargs *a = arg;
    return dircli_import(c, "org", DIR_IMPORT_ORGS, a->pos[0], a->dry_run, a->json);
}

int
cmd_org(int argc, char **argv)
{
    struct runtime rt;
    char *rest[RUNTIME_MAX_ARGS];
    int nrest;
    int rc = runtime_args(&rt, argc, argv, rest, &nrest, org_usage);
    if (rc >= 0)
        return rc;
    struct dargs a;
    memset(&a, 0, sizeof(a));
    const char *verb = nrest ? rest[0] : "";
    const struct dircli_opt edit[] = { { "--name", OPT_STR, &a.name },
                                       { "--name-en", OPT_STR, &a.name_en },
                                       { "--parent", OPT_STR, &a.parent },
                                       { "--top", OPT_FLAG, &a.top },
                                       { "--sort", OPT_STR, &a.sort },
                                       { NULL, OPT_FLAG, NULL } };
    const struct dircli_opt list[] = { { "--json", OPT_FLAG, &a.json }, { NULL, OPT_FLAG, NULL } };
    const struct dircli_opt import[] = { { "--dry-run", OPT_FLAG, &a.dry_run },
                                         { "--json", OPT_FLAG, &a.json },
                                         { NULL, OPT_FLAG, NULL } };
    const struct dircli_opt none[] = { { NULL, OPT_FLAG, NULL } };
    bool is_add = !strcmp(verb, "add"), is_set = !strcmp(verb, "set");
    if (is_add || is_set) {
        if (!dircli_parse("org", nrest - 1, rest + 1, edit, a.pos, &a.npos, 1) || a.npos != 1)
            return usage_error(&rt, "org", "give one CODE");
        if (a.top && a.parent)
            return usage_error(&rt, "org", "--parent and --top contradict each other");
        if (is_add && !a.name)
            return usage_error(&rt, "org", "--name is required");
        if (!fill_org(&a))
            return usage_error(&rt, "org", "--sort needs a whole number");
        a.create = is_add;
        return dircli_run(&rt, "org", true, org_save_fn, &a);
    }
    if (!strcmp(verb, "list")) {
        if (!dircli_parse("org", nrest - 1, rest + 1, list, a.pos, &a.npos, 0))
            return usage_error(&rt, "org", "usage: org list [--json]");
        return dircli_run(&rt, "org", false, org_list_fn, &a);
    }
    if (!strcmp(verb, "delete")) {
        if (!dircli_parse("org", nrest - 1, rest + 1, none, a.pos, &a.npos, 1) || a.npos != 1)
            return usage_error(&rt, "org", "usage: org delete CODE");
        return dircli_run(&rt, "org", true, org_delete_fn, &a);
    }
    if (!strcmp(verb, "import")) {
        if (!dircli_parse("org", nrest - 1, rest + 1, import, a.pos, &a.npos, 1) || a.npos != 1)
            return usage_error(&rt, "org", "usage: org import FILE|- [--dry-run] [--json]");
        return dircli_run(&rt, "org", true, org_import_fn, &a);
    }
    org_usage(stderr);
    config_release(&rt.cfg);
    return 2;
}

/* ---- group ---- */

static void
group_usage(FILE *out)
{
    fputs("usage: madoguchi group VERB [--data DIR] [--db URL] ...   (docs/admin.md)\n\n"
          "  add CODE --name NAME [--name-en N] [--description TEXT]\n"
          "  set CODE [--name N] [--name-en N] [--description TEXT]\n"
          "      \"everyone\" and \"Administrators\" are kintone's virtual groups: not allowed\n"
          "  list [--json]\n"
          "  delete CODE                       refused while the group has members\n"
          "  members list GROUP [--json]\n"
          "  members add GROUP LOGIN...\n"
          "  members remove GROUP LOGIN...\n"
          "  import FILE|- [--dry-run] [--json]\n"
          "      CSV columns code,name,name_en,description; all rows or none\n",
          out);
}

static int
group_save_fn(struct ctx *c, void *arg)
{
    struct dargs *a = arg;
    struct dir_result res;
    enum dir_mode mode = a->create ? DIR_CREATE : DIR_UPDATE;
    if (dir_group_save(c, &a->group, mode, &res) != ERR_OK)
        return 1;
    dircli_event(c, mode == DIR_CREATE ? "admin.group.create" : "admin.group.update",
                 a->group.code, &res);
    printf("group %s %s\n", a->group.code, dircli_action(res.action));
    return 0;
}

static int
group_list_fn(struct ctx *c, void *arg)
{
    struct dargs *a = arg;
    struct dir_query q = { 0 };
    struct dir_group *g;
    size_t n;
    if (dir_groups_list(c, &q, &g, &n) != ERR_OK)
        return 1;
    if (a->json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, dir_group_json(&g[i]));
        dircli_print_json(arr);
        return 0;
    }
    printf("code\tname\tdescription\n");
    for (size_t i = 0; i < n; i++)
        printf("%s\t%s\t%s\n", g[i].code, g[i].name, dircli_dash(g[i].description));
    return 0;
}

static int
group_delete_fn(struct ctx *c, void *arg)
{
    struct dargs *a = arg;
    struct dir_result res;
    if (dir_group_delete(c, a->pos[0], &res) != ERR_OK)
        return 1;
    dircli_event(c, "admin.group.delete", a->pos[0], &res);
    printf("group %s deleted\n", a->pos[0]);
    return 0;
}

static int
members_list_fn(struct ctx *c, void *arg)
{
    struct dargs *a = arg;
    struct dir_query q = { .group = a->pos[1] };
    struct dir_user *u;
    size_t n;
    if (dir_users_list(c, &q, &u, &n) != ERR_OK)
        return 1;
    if (a->json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, dir_user_json(&u[i], "Asia/Tokyo"));
        dircli_print_json(arr);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        printf("%s\t%s%s\n", u[i].code, u[i].name, u[i].disabled ? "\t(disabled)" : "");
    return 0;
}

/* members add|remove GROUP LOGIN...: one transaction for all logins. */
static int
members_change_fn(struct ctx *c, void *arg)
{
    struct dargs *a = arg;
    bool add = !strcmp(a->pos[0], "add");
    for (int i = 2; i < a->npos; i++) {
        struct dir_result res;
        if (dir_group_member(c, a->pos[1], a->pos[i], add, &res) != ERR_OK) {
            fprintf(stderr, "madoguchi group: stopped at %s (nothing changed)\n", a->pos[i]);
            return 1;
        }
        if (res.action != DIR_UNCHANGED)
            dircli_event(c, add ? "admin.group.member-add" : "admin.group.member-remove",
                         a->pos[1], &res);
        printf("%s %s %s\n", a->pos[i],
               res.action == DIR_UNCHANGED ? (add ? "already in" : "was not in")
                                           : (add ? "added to" : "removed from"),
               a->pos[1]);
    }
    return 0;
}

static int
group_import_fn(struct ctx *c, void *arg)
{
    struct dargs *a = arg;
    return dircli_import(c, "group", DIR_IMPORT_GROUPS, a->pos[0], a->dry_run, a->json);
}

int
cmd_group(int argc, char **argv)
{
    struct runtime rt;
    char *rest[RUNTIME_MAX_ARGS];
    int nrest;
    int rc = runtime_args(&rt, argc, argv, rest, &nrest, group_usage);
    if (rc >= 0)
        return rc;
    struct dargs a;
    memset(&a, 0, sizeof(a));
    const char *verb = nrest ? rest[0] : "";
    const struct dircli_opt edit[] = { { "--name", OPT_STR, &a.name },
                                       { "--name-en", OPT_STR, &a.name_en },
                                       { "--description", OPT_STR, &a.description },
                                       { NULL, OPT_FLAG, NULL } };
    const struct dircli_opt json[] = { { "--json", OPT_FLAG, &a.json }, { NULL, OPT_FLAG, NULL } };
    const struct dircli_opt import[] = { { "--dry-run", OPT_FLAG, &a.dry_run },
                                         { "--json", OPT_FLAG, &a.json },
                                         { NULL, OPT_FLAG, NULL } };
    const struct dircli_opt none[] = { { NULL, OPT_FLAG, NULL } };
    bool is_add = !strcmp(verb, "add"), is_set = !strcmp(verb, "set");
    if (is_add || is_set) {
        if (!dircli_parse("group", nrest - 1, rest + 1, edit, a.pos, &a.npos, 1) || a.npos != 1)
            return usage_error(&rt, "group", "give one CODE");
        if (is_add && !a.name)
            return usage_error(&rt, "group", "--name is required");
        a.group = (struct dir_group_in){ .code = a.pos[0], .name = a.name, .name_en = a.name_en,
                                         .description = a.description };
        a.create = is_add;
        return dircli_run(&rt, "group", true, group_save_fn, &a);
    }
    if (!strcmp(verb, "list")) {
        if (!dircli_parse("group", nrest - 1, rest + 1, json, a.pos, &a.npos, 0))
            return usage_error(&rt, "group", "usage: group list [--json]");
        return dircli_run(&rt, "group", false, group_list_fn, &a);
    }
    if (!strcmp(verb, "delete")) {
        if (!dircli_parse("group", nrest - 1, rest + 1, none, a.pos, &a.npos, 1) || a.npos != 1)
            return usage_error(&rt, "group", "usage: group delete CODE");
        return dircli_run(&rt, "group", true, group_delete_fn, &a);
    }
    if (!strcmp(verb, "members")) {
        if (!dircli_parse("group", nrest - 1, rest + 1, json, a.pos, &a.npos, DIRCLI_MAX_POS) ||
            a.npos < 2)
            return usage_error(&rt, "group", "usage: group members list|add|remove GROUP [LOGIN...]");
        if (!strcmp(a.pos[0], "list") && a.npos == 2)
            return dircli_run(&rt, "group", false, members_list_fn, &a);
        if ((!strcmp(a.pos[0], "add") || !strcmp(a.pos[0], "remove")) && a.npos >= 3 && !a.json)
            return dircli_run(&rt, "group", true, members_change_fn, &a);
        return usage_error(&rt, "group", "usage: group members list|add|remove GROUP [LOGIN...]");
    }
    if (!strcmp(verb, "import")) {
        if (!dircli_parse("group", nrest - 1, rest + 1, import, a.pos, &a.npos, 1) || a.npos != 1)
            return usage_error(&rt, "group", "usage: group import FILE|- [--dry-run] [--json]");
        return dircli_run(&rt, "group", true, group_import_fn, &a);
    }
    group_usage(stderr);
    config_release(&rt.cfg);
    return 2;
}
