/* madoguchi pack: procedure packs (docs/packs.md) — install or upgrade one from its
 * directory (with --demo, also demo users and applications), list what is installed, and
 * remove the demo data. The work is in pack_install.c and pack_demo.c. */
#include "cmd/pack_int.h"

#include <stdio.h>
#include <string.h>

static void
pack_usage(FILE *out)
{
    fputs("使い方 / usage:\n"
          "  madoguchi pack install --data DIR [--db URL] [--demo] PACKDIR\n"
          "  madoguchi pack list --data DIR\n"
          "  madoguchi pack remove-demo --data DIR [--pack CODE]\n\n"
          "  install      パック (組織・町丁目・アプリ・フォーム・帳票) を導入または更新します。\n"
          "               何度実行しても同じ結果になり、レコードには触れません。\n"
          "               --demo: デモ利用者 (全窓口×全ロール、初期パスワードは一度だけ表示し\n"
          "               DIR/demo-passwords.txt にも保存) と架空の申請を追加します。\n"
          "  list         導入済みのパックと版を表示します。\n"
          "  remove-demo  デモの申請を削除し、デモ利用者を無効にします。\n\n"
          "  install      installs or upgrades a pack (organisations, the 町丁目 master, apps,\n"
          "               forms, document templates); re-running it is safe and never touches\n"
          "               records. --demo adds demo users (every role in every office; first\n"
          "               passwords printed once and saved in DIR/demo-passwords.txt, mode 0600)\n"
          "               and fictional applications.\n"
          "  list         installed packs and their versions.\n"
          "  remove-demo  deletes the demo applications and disables the demo users.\n\n"
          "See docs/packs.md.\n",
          out);
}

int
cmd_pack(int argc, char **argv)
{
    struct runtime rt;
    char *rest[RUNTIME_MAX_ARGS];
    int nrest;
    int rc = runtime_args(&rt, argc, argv, rest, &nrest, pack_usage);
    if (rc >= 0)
        return rc;
    const char *sub = nrest > 0 ? rest[0] : NULL;
    const char *dir = NULL, *only = NULL;
    bool demo = false, bad = !sub;
    for (int i = 1; i < nrest && !bad; i++) {
        if (!strcmp(rest[i], "--demo"))
            demo = true;
        else if (!strcmp(rest[i], "--pack") && i + 1 < nrest)
            only = rest[++i];
        else if (rest[i][0] != '-' && !dir)
            dir = rest[i];
        else
            bad = true;
    }
    if (sub && strcmp(sub, "install") && strcmp(sub, "list") && strcmp(sub, "remove-demo"))
        bad = true;
    if (sub && !strcmp(sub, "install") && !dir)
        bad = true;
    if (sub && strcmp(sub, "install") && (dir || demo))
        bad = true;
    if (bad) {
        pack_usage(stderr);
        config_release(&rt.cfg);
        return 2;
    }
    if ((rc = runtime_open(&rt)) != 0) {
        runtime_close(&rt);
        return rc;
    }
    struct pack_run p;
    memset(&p, 0, sizeof(p));
    p.dir = dir;
    if ((rc = pack_run_open(&p, &rt)) == 0) {
        if (!strcmp(sub, "install"))
            rc = pack_install(&p, demo);
        else if (!strcmp(sub, "list"))
            rc = pack_list(&p);
        else
            rc = pack_demo_remove(&p, only);
    }
    pack_run_close(&p);
    runtime_close(&rt);
    return rc ? 1 : 0;
}
