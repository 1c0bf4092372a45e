// End-to-end proof of backup and whole restore with the real binary: a private server takes
// records with attachments while `madoguchi backup` runs (concurrent writes); the archive
// verifies; it restores into a new data directory; a server started on that directory serves
// every record with its attachment; every table's row count equals the manifest's; `madoguchi
// audit verify` passes on the restored data. Refusals: restore over existing data without
// --force, a corrupt archive (the old data stays as it was, nothing left behind), a wrong key,
// keygen over an existing key, a broken chain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, dirname, basename } from 'node:path';
import { call, assertOk, createApp, startServer, assertCleanExit, run, env, sleep } from './lib.mjs';

async function cli(args) {
  try {
    const { stdout, stderr } = await run(env.bin, args, undefined, { timeout: 300000 });
    return { code: 0, out: stdout, err: stderr };
  } catch (err) {
    return { code: err.code, out: err.message, err: err.message };
  }
}

function sqlCount(dbFile, table) {
  const out = execFileSync('python3', ['-c',
    'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute("SELECT count(*) FROM \\"%s\\"" % sys.argv[2]).fetchone()[0])',
    dbFile, table]);
  return Number(String(out).trim());
}

const sha = (b) => createHash('sha256').update(b).digest('hex');

async function upload(base, auth, name, content) {
  const b = 'bk' + Math.random().toString(36).slice(2);
  const mp = Buffer.concat([
    Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    content, Buffer.from(`\r\n--${b}--\r\n`)]);
  return assertOk(await call('POST', '/k/v1/file.json', { raw: mp, headers: { 'Content-Type': `multipart/form-data; boundary=${b}` }, base, auth }), 'upload').fileKey;
}

async function addWithFile(base, auth, app, i) {
  const content = Buffer.from(`添付 ${i} ` + 'x'.repeat(1000 + i * 37) + Math.random());
  const fileKey = await upload(base, auth, `f${i}.txt`, content);
  const res = assertOk(await call('POST', '/k/v1/record.json', { body: { app, record: { title: { value: `申請${i}` }, att: { value: [{ fileKey }] } } }, base, auth }));
  return { id: res.id, sha: sha(content) };
}

test('backup while writing, verify, restore into a new directory, serve it', { timeout: 600000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'mado-e2e-backup-'));
  const bkey = join(work, 'backup.key');
  const saved = { ...process.env };
  process.env.MADOGUCHI_BACKUP_ENABLED = '0'; // this test takes its backups by hand
  process.env.MADOGUCHI_AUDIT_CHECKPOINT_EVERY = '7';
  let srv, srv2;
  try {
    let r = await cli(['backup', 'keygen', '--key-file', bkey]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /key id [0-9a-f]{16}/);
    const before = readFileSync(bkey);
    r = await cli(['backup', 'keygen', '--key-file', bkey]);
    assert.equal(r.code, 1, 'keygen never overwrites');
    assert.deepEqual(readFileSync(bkey), before);

    srv = await startServer();
    const auth = { user: srv.user, password: srv.password };
    const base = srv.url;
    const app = await createApp('backup e2e', {
      title: { type: 'SINGLE_LINE_TEXT', code: 'title', label: 'title' },
      att: { type: 'FILE', code: 'att', label: 'att' },
    }, { base, auth });
    const written = [];
    for (let i = 0; i < 30; i++) written.push(await addWithFile(base, auth, app, i));

    // concurrent writes while the backup runs
    let stop = false, n = 30;
    const writer = (async () => {
      while (!stop) written.push(await addWithFile(base, auth, app, n++));
    })();
    const b1 = await cli(['backup', '--data', srv.data, '--key-file', bkey]);
    stop = true;
    await writer;
    assert.equal(b1.code, 0, b1.out);
    const archive = b1.out.trim().split('\n').pop();
    assert.match(archive, /\.mbk$/, b1.out);
    assert.ok(existsSync(archive));
    assert.ok(n > 30, 'records were written while the backup ran');

    // a second, incremental backup carries only the blobs new since the first
    for (let i = 0; i < 3; i++) written.push(await addWithFile(base, auth, app, n++));
    const b2 = await cli(['backup', '--data', srv.data, '--key-file', bkey]);
    assert.equal(b2.code, 0, b2.out);
    const archive2 = b2.out.trim().split('\n').pop();
    assert.notEqual(archive2, archive);
    const m2 = b2.out.match(/blobs: (\d+) \((\d+) new/);
    assert.ok(m2 && Number(m2[2]) < Number(m2[1]) && Number(m2[2]) >= 3, b2.out);

    const v = await cli(['backup', 'verify', '--data', srv.data, '--key-file', bkey, archive2]);
    assert.equal(v.code, 0, v.out);
    assert.match(v.out, /^OK: .*2 archive\(s\) checked, master key matches/m);
    const rows = Object.fromEntries(v.out.match(/^rows: (.*)$/m)[1].split(' ').map((kv) => kv.split('=')).map(([k, x]) => [k, Number(x)]));
    assert.ok(rows.records >= 33, JSON.stringify(rows));

    const list = await cli(['backup', 'list', '--data', srv.data]);
    assert.equal(list.code, 0, list.out);
    assert.ok(list.out.includes(`${basename(archive2)}\t`) && list.out.includes(basename(archive)), list.out);
    assert.match(list.out, new RegExp(`${basename(archive2)}\\t.*\\tverified\\t${basename(archive)}`));

    // the dashboard's status: administrators only
    const st = assertOk(await call('GET', '/api/backups.json', { base, auth }));
    assert.equal(st.ok, true, JSON.stringify(st));
    assert.equal(st.last.id, basename(archive2));
    assert.equal(st.last.verified, true);
    assert.equal(st.archives.length, 2);
    assert.deepEqual(st.archives[0].needs, [basename(archive)]);

    // ---- restore into a new directory (the keys are put there first, by hand) ----
    const fresh = join(work, 'restored');
    mkdirSync(join(fresh, 'keys'), { recursive: true, mode: 0o700 });
    for (const k of ['master.key', 'audit.key']) {
      copyFileSync(join(srv.data, 'keys', k), join(fresh, 'keys', k));
      execFileSync('chmod', ['600', join(fresh, 'keys', k)]);
    }
    const rs = await cli(['restore', '--data', fresh, '--key-file', bkey, '--from', archive2]);
    assert.equal(rs.code, 0, rs.out);
    const dbFile = join(fresh, 'madoguchi.db');
    for (const [table, count] of Object.entries(rows)) assert.equal(sqlCount(dbFile, table), count, `rows of ${table}`);
    assert.equal(readdirSync(work).filter((f) => f.includes('.restore-')).length, 0, 'no temporary directory left');

    const audit = await cli(['audit', 'verify', '--data', fresh]);
    assert.equal(audit.code, 0, audit.out);
    assert.match(audit.out, /^OK: /m);

    // a server on the restored data serves every record of the backup with its attachment
    srv2 = await startServer(['--data', fresh]);
    const base2 = srv2.url;
    const got = assertOk(await call('GET', '/k/v1/records.json', { query: { app, query: 'order by $id asc limit 500' }, base: base2, auth }));
    assert.equal(got.records.length, rows.records);
    const byId = new Map(written.map((w) => [w.id, w.sha]));
    for (const rec of got.records) {
      const f = rec.att.value;
      assert.equal(f.length, 1, `record ${rec.$id.value} has its attachment`);
      const dl = await call('GET', '/k/v1/file.json', { query: { fileKey: f[0].fileKey }, base: base2, auth });
      assert.equal(dl.status, 200, dl.text);
      assert.equal(sha(dl.body), byId.get(rec.$id.value), `attachment of record ${rec.$id.value}`);
    }
    assertCleanExit(await srv2.stop(), 'restored server');
    srv2 = null;

    // ---- refusals ----
    const dbBefore = sha(readFileSync(dbFile));
    let bad = await cli(['restore', '--data', fresh, '--key-file', bkey, '--from', archive2]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /--force/);

    const broken = join(dirname(archive2), 'broken.mbk');
    const bytes = readFileSync(archive2);
    bytes[Math.floor(bytes.length / 2)] ^= 0x40;
    writeFileSync(broken, bytes);
    bad = await cli(['restore', '--data', fresh, '--key-file', bkey, '--from', broken, '--force']);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /corrupt|壊れ/);
    rmSync(broken);
    assert.equal(sha(readFileSync(dbFile)), dbBefore, 'the old data is untouched');
    assert.equal(readdirSync(work).filter((f) => /\.restore-|before-restore/.test(f)).length, 0, readdirSync(work).join(','));

    const otherKey = join(work, 'other.key');
    assert.equal((await cli(['backup', 'keygen', '--key-file', otherKey])).code, 0);
    bad = await cli(['restore', '--data', fresh, '--key-file', otherKey, '--from', archive2, '--force']);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /Wrong backup key/);
    assert.equal(sha(readFileSync(dbFile)), dbBefore, 'the old data is untouched');
    // no master key in the target: refused with the reason (keys are not in backups)
    bad = await cli(['restore', '--data', join(work, 'x'), '--key-file', bkey, '--from', archive2]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /master key .* is missing/);
    assert.ok(!existsSync(join(work, 'x', 'madoguchi.db')));

    // the chain: without the first archive the second neither verifies nor restores
    const aside = join(work, 'aside.mbk');
    renameSync(archive, aside);
    bad = await cli(['backup', 'verify', '--data', srv.data, '--key-file', bkey, archive2]);
    assert.equal(bad.code, 1);
    assert.ok(bad.err.includes(basename(archive)), bad.err);
    bad = await cli(['restore', '--data', fresh, '--key-file', bkey, '--from', archive2, '--force']);
    assert.equal(bad.code, 1);
    assert.equal(sha(readFileSync(dbFile)), dbBefore, 'the old data is untouched');
    renameSync(aside, archive);

    // over existing data with --force (server stopped): works, old data kept aside
    const ok = await cli(['restore', '--data', fresh, '--key-file', bkey, '--from', archive, '--force']);
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, /before-restore-/);
    assertCleanExit(await srv.stop());
  } finally {
    for (const s of [srv, srv2]) if (s) { await s.stop(); s.cleanup(); }
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    rmSync(work, { recursive: true, force: true });
  }
});

test('the scheduler in serve: a failure is shown, mailed and audited; then a backup on time', { timeout: 300000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'mado-e2e-backup-sched-'));
  const bkey = join(work, 'backup.key');
  const saved = { ...process.env };
  process.env.MADOGUCHI_BACKUP_SCHEDULE = '* * * * *'; // every minute
  process.env.MADOGUCHI_BACKUP_KEY_FILE = bkey;         // absent at first: the first run fails
  process.env.MADOGUCHI_BACKUP_DIR = join(work, 'archives');
  let srv;
  try {
    srv = await startServer();
    const auth = { user: srv.user, password: srv.password };
    const base = srv.url;
    await run(env.bin, ['user', 'set', srv.user, '--data', srv.data, '--email', 'admin@example.lg.jp']);
    const waitRun = async (pred) => {
      const deadline = Date.now() + 130000;
      for (;;) {
        const st = assertOk(await call('GET', '/api/backups.json', { base, auth }));
        if (st.runs.length && pred(st)) return st;
        assert.ok(Date.now() < deadline, `no scheduled run: ${JSON.stringify(st)}\n${srv.log().slice(-3000)}`);
        await sleep(1000);
      }
    };
    let st = await waitRun(() => true);
    assert.equal(st.ok, false);
    assert.equal(st.last.status, 'failed');
    assert.match(st.last.error, /backup key/);
    const mail = assertOk(await call('GET', '/admin/api/mail.json', { base, auth, query: { ref: 'backup' } }));
    assert.ok(mail.messages.some((m) => m.to === 'admin@example.lg.jp' && m.kind === 'backup_failed'), JSON.stringify(mail));

    assert.equal((await cli(['backup', 'keygen', '--key-file', bkey])).code, 0);
    st = await waitRun((s) => s.last.status === 'ok');
    assert.equal(st.ok, true);
    assert.equal(st.last.verified, true);
    assert.ok(existsSync(join(work, 'archives', st.last.id)));
    assert.equal(st.last.path, undefined, 'server paths are not shown');
    assertCleanExit(await srv.stop());
    const audit = await cli(['audit', 'export', '--data', srv.data, '--format', 'jsonl']);
    const acts = audit.out.trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.action === 'backup.run');
    assert.ok(acts.some((e) => e.outcome === 'error') && acts.some((e) => e.outcome === 'ok'), audit.out.slice(-2000));
  } finally {
    if (srv) { await srv.stop(); srv.cleanup(); }
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    rmSync(work, { recursive: true, force: true });
  }
});
