/* madoguchi audit verify | export | prune | keygen: the operator's side of the audit log
 * (docs/audit.md). --key-file here names the audit signing key ([audit] key_file), not the
 * master key. */
#include "cmd/cmd.h"

#include "core/arena.h"
#include "core/clock.h"
#include "db/db.h"
#include "domain/audit.h"
#include "sec/sec.h"
#include "sec/sign.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void
usage(FILE *out)
{
    fputs("usage: madoguchi audit VERB [--data DIR] [--db URL] [options]   (docs/audit.md)\n\n"
          "  verify [--key-file K]\n"
          "      walks the whole chain: recomputes every hash, checks that no seq is missing,\n"
          "      each prev_hash link and every checkpoint signature (with the public half of K,\n"
          "      default [audit] key_file). Exit 0 with \"OK: N entries, M checkpoints, last seq\n"
          "      S\", or exit 1 naming the FIRST bad entry: changed, removed, reordered, or a\n"
          "      checkpoint with a bad signature.\n"
          "  export [--from T] [--to T] [--format jsonl|csv] [--out FILE]\n"
          "      entries of a period (T: 2026-11-26, 2026-11-26T09:00:00+09:00 or Unix ms;\n"
          "      dates in Asia/Tokyo); CSV is UTF-8 with a BOM (Excel). Default: JSONL to stdout.\n"
          "  prune\n"
          "      applies [audit] retention_days now: writes a signed anchor, then deletes the\n"
          "      entries older than the period (the server does this daily by itself).\n"
          "  keygen --key-file K\n"
          "      creates a new signing key (0600); never overwrites an existing file.\n\n"
          "Here --key-file is the audit key (= --audit-key-file); the master key comes from\n"
          "[storage] key_file / MADOGUCHI_STORAGE_KEY_FILE.\n\n"
          "Options (also in madoguchi.conf and MADOGUCHI_* environment variables):\n"
          "  --config FILE   INI configuration file\n",
          out);
    config_print_help(out);
}

static int
usage_error(struct runtime *rt, const char *msg)
{
    fprintf(stderr, "madoguchi audit: %s (see madoguchi audit --help)\n", msg);
    config_release(&rt->cfg);
    return 2;
}

static const char *
describe(const char *problem)
{
    if (strcmp(problem, "changed") == 0)
        return "hash mismatch: the entry was altered";
    if (strcmp(problem, "removed") == 0)
        return "gap in seq: the entry is missing";
    if (strcmp(problem, "reordered") == 0)
        return "prev_hash link broken: entries were moved or replaced";
    if (strcmp(problem, "unknown checkpoint key") == 0)
        return "the checkpoint is not signed by this key";
    return "the checkpoint signature does not verify";
}

static int
do_verify(struct runtime *rt)
{
    const uint8_t *pub = audit_public_key();
    if (!pub)
        fprintf(stderr, "madoguchi audit: cannot read the audit key: checkpoints cannot be "
                        "checked (--key-file)\n");
    struct audit_verify v;
    if (audit_verify(rt->db, pub, &v) != ERR_OK) {
        fprintf(stderr, "madoguchi audit: cannot read the log: %s\n", db_errmsg(rt->db));
        return 1;
    }
    if (v.bad_seq) {
        bool cp = strstr(v.problem, "checkpoint") != NULL;
        printf("FAILED: %s %lld %s (%s); %lld entries read, %lld checkpoints\n",
               cp ? "checkpoint at seq" : "entry", (long long)v.bad_seq, v.problem,
               describe(v.problem), (long long)v.entries, (long long)v.checkpoints);
        return 1;
    }
    printf("OK: %lld entries, %lld checkpoints, last seq %lld\n", (long long)v.entries,
           (long long)v.checkpoints, (long long)v.last_seq);
    return 0;
}

struct export_state {
    FILE *out;
    bool csv;
    int64_t n;
};

static void
csv_field(FILE *out, const char *s, bool last)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputs(last ? "\"\r\n" : "\",", out);
}

static bool
export_row(void *arg, const struct audit_row *row)
{
    struct export_state *st = arg;
    json_t *o = audit_row_json(row);
    if (st->csv) {
        fprintf(st->out, "%lld,", (long long)row->seq);
        csv_field(st->out, json_string_value(json_object_get(o, "at")), false);
        const char *cols[] = { row->actor, row->ip, row->action, row->target, row->outcome,
                               row->detail, row->prev_hash };
        for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
            csv_field(st->out, cols[i], false);
        csv_field(st->out, row->hash, true);
    } else {
        char *s = json_dumps(o, JSON_COMPACT);
        if (s) {
            fputs(s, st->out);
            fputc('\n', st->out);
            free(s);
        }
    }
    json_decref(o);
    st->n++;
    return !ferror(st->out);
}

static int
do_export(struct runtime *rt, struct ctx *c, const char *from, const char *to, const char *format,
          const char *path)
{
    struct audit_filter f;
    memset(&f, 0, sizeof(f));
    if ((from && !audit_parse_time(from, false, c->tz_offset, &f.from)) ||
        (to && !audit_parse_time(to, true, c->tz_offset, &f.to))) {
        fprintf(stderr, "madoguchi audit: --from/--to: not a date, date-time or Unix ms\n");
        return 2;
    }
    bool csv = strcmp(format, "csv") == 0;
    if (!csv && strcmp(format, "jsonl") != 0) {
        fprintf(stderr, "madoguchi audit: --format must be jsonl or csv\n");
        return 2;
    }
    FILE *out = path ? fopen(path, "wb") : stdout;
    if (!out) {
        fprintf(stderr, "madoguchi audit: cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    struct export_state st = { out, csv, 0 };
    if (csv)
        fputs("\xEF\xBB\xBFseq,at,actor,ip,action,target,outcome,detail,prev_hash,hash\r\n", out);
    enum err e = audit_each(c, &f, export_row, &st);
    bool bad = ferror(out) != 0;
    if (path && fclose(out) != 0)
        bad = true;
    else if (!path)
        fflush(out);
    if (e != ERR_OK || bad) {
        fprintf(stderr, "madoguchi audit: export failed%s\n", bad ? " (write error)" : "");
        return 1;
    }
    char detail[512];
    snprintf(detail, sizeof(detail),
             "{\"from\":%lld,\"to\":%lld,\"format\":\"%s\",\"entries\":%lld}",
             (long long)f.from, (long long)f.to, csv ? "csv" : "jsonl", (long long)st.n);
    if (audit_add(c, "audit.export", "", "ok", detail) != ERR_OK)
        fprintf(stderr, "madoguchi audit: the export could not be logged\n");
    fprintf(stderr, "exported %lld entries\n", (long long)st.n);
    (void)rt;
    return 0;
}

static int
do_prune(struct runtime *rt, struct ctx *c)
{
    long days = rt->cfg.audit_retention_days;
    if (days <= 0) {
        printf("retention_days is 0 (keep forever): nothing pruned\n");
        return 0;
    }
    int64_t n = 0;
    if (audit_prune(c, clock_now_ms(), days, &n) != ERR_OK) {
        fprintf(stderr, "madoguchi audit: prune failed: %s\n",
                c->fail->message ? c->fail->message : "?");
        return 1;
    }
    printf("pruned %lld entries older than %ld days\n", (long long)n, days);
    return 0;
}

static int
do_keygen(struct runtime *rt)
{
    if (sec_init() < 0)
        return 1;
    char *path = config_audit_key_path(&rt->cfg);
    enum err e = sign_key_create(path);
    if (e == ERR_INVALID) {
        fprintf(stderr, "madoguchi audit: %s exists: not overwritten\n", path);
        free(path);
        return 1;
    }
    struct sign_key *k = NULL;
    if (e != ERR_OK || sign_key_load(path, false, &k) != ERR_OK) {
        fprintf(stderr, "madoguchi audit: cannot create %s\n", path);
        free(path);
        return 1;
    }
    char id[SIGN_KEYID_HEX], pub[2 * SIGN_PUB_BYTES + 1];
    sign_key_id(sign_key_public(k), id);
    sign_hex(sign_key_public(k), SIGN_PUB_BYTES, pub);
    printf("created %s (key id %s, public key %s)\n", path, id, pub);
    sign_key_free(k);
    free(path);
    return 0;
}

int
cmd_audit(int argc, char **argv)
{
    struct runtime rt;
    char *rest[RUNTIME_MAX_ARGS];
    int nrest;
    /* --key-file names the audit key here (the shared flag of that name is the master key's) */
    char *args[RUNTIME_MAX_ARGS + 1];
    if (argc > RUNTIME_MAX_ARGS) {
        usage(stderr);
        return 2;
    }
    for (int i = 0; i < argc; i++) {
        args[i] = argv[i];
        if (strcmp(argv[i], "--key-file") == 0)
            args[i] = (char *)"--audit-key-file";
        else if (strncmp(argv[i], "--key-file=", 11) == 0) {
            static char buf[4200];
            snprintf(buf, sizeof(buf), "--audit-key-file=%s", argv[i] + 11);
            args[i] = buf;
        }
    }
    int rc = runtime_args(&rt, argc, args, rest, &nrest, usage);
    if (rc >= 0)
        return rc;
    if (nrest < 1)
        return usage_error(&rt, "missing verb");
    const char *verb = rest[0], *from = NULL, *to = NULL, *format = "jsonl", *out = NULL;
    for (int i = 1; i < nrest; i++) {
        const char *a = rest[i];
        bool has = i + 1 < nrest;
        if (strcmp(a, "--from") == 0 && has)
            from = rest[++i];
        else if (strcmp(a, "--to") == 0 && has)
            to = rest[++i];
        else if (strcmp(a, "--format") == 0 && has)
            format = rest[++i];
        else if (strcmp(a, "--out") == 0 && has)
            out = rest[++i];
        else
            return usage_error(&rt, "unknown argument");
    }
    if (strcmp(verb, "keygen") == 0) {
        if (!rt.cfg.audit_key_file || !*rt.cfg.audit_key_file)
            return usage_error(&rt, "keygen needs --key-file");
        rc = do_keygen(&rt);
        config_release(&rt.cfg);
        return rc;
    }
    if (strcmp(verb, "verify") != 0 && strcmp(verb, "export") != 0 && strcmp(verb, "prune") != 0)
        return usage_error(&rt, "unknown verb");
    if (!*rt.cfg.db) {
        /* verifying a directory that is not there must not create an empty, "intact" one */
        char *url = config_db_url(&rt.cfg);
        struct stat st;
        bool there = stat(url, &st) == 0;
        if (!there)
            fprintf(stderr, "madoguchi audit: no database at %s\n", url);
        free(url);
        if (!there) {
            config_release(&rt.cfg);
            return 1;
        }
    }
    rc = runtime_open(&rt);
    if (rc) {
        runtime_close(&rt);
        return rc;
    }
    struct arena *a = arena_new();
    struct ctx c;
    struct fail f;
    runtime_ctx(&rt, &c, a, &f);
    if (strcmp(verb, "verify") == 0)
        rc = do_verify(&rt);
    else if (strcmp(verb, "export") == 0)
        rc = do_export(&rt, &c, from, to, format, out);
    else
        rc = do_prune(&rt, &c);
    arena_free(a);
    runtime_close(&rt);
    return rc;
}
