// End-to-end proof of the audit log with the real binary: a private server (its signing key
// outside the data directory) serves some requests and stops; `madoguchi audit verify` exits 0;
// then the database is tampered with directly (sqlite3, else python3's sqlite3 module) — a row
// changed, a row removed, two rows swapped — and verify exits 1 naming the entry each time.
// export writes JSONL and CSV (with a BOM); keygen never overwrites.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, assertOk, createApp, startServer, assertCleanExit, run, env } from './lib.mjs';

function sqlite(dbFile, sql) {
  try {
    execFileSync('sqlite3', [dbFile, sql], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
    execFileSync('python3', ['-c',
      'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()',
      dbFile, sql]);
  }
}

async function verify(data, key) {
  try {
    const { stdout } = await run(env.bin, ['audit', 'verify', '--data', data, '--key-file', key]);
    return { code: 0, out: stdout };
  } catch (err) {
    return { code: err.code, out: err.message };
  }
}

test('audit verify proves an untouched log and names tampered entries', async () => {
  const keyDir = mkdtempSync(join(tmpdir(), 'mado-audit-key-'));
  const key = join(keyDir, 'audit.key');
  const saved = process.env.MADOGUCHI_AUDIT_KEY_FILE;
  process.env.MADOGUCHI_AUDIT_KEY_FILE = key; // the CLI and the server share it
  process.env.MADOGUCHI_AUDIT_CHECKPOINT_EVERY = '5';
  const srv = await startServer();
  try {
    const auth = { user: srv.user, password: srv.password };
    const base = srv.url;
    const app = await createApp('audit e2e', {
      title: { type: 'SINGLE_LINE_TEXT', code: 'title', label: 'title' },
    }, { base, auth });
    const ids = [];
    for (let i = 0; i < 6; i++) {
      const res = assertOk(await call('POST', '/k/v1/record.json', { body: { app, record: { title: { value: `申請${i}` } } }, base, auth }));
      ids.push(res.id);
    }
    for (const id of ids) assertOk(await call('GET', '/k/v1/record.json', { query: { app, id }, base, auth }));
    assertOk(await call('PUT', '/k/v1/record.json', { body: { app, id: ids[0], record: { title: { value: '受付' } } }, base, auth }));
    const stopped = await srv.stop();
    assertCleanExit(stopped);
    assert.ok(!existsSync(join(srv.data, 'keys', 'audit.key')), 'the audit key stays where it was configured');

    const dbFile = join(srv.data, 'madoguchi.db');
    let v = await verify(srv.data, key);
    assert.equal(v.code, 0, v.out);
    const m = v.out.match(/^OK: (\d+) entries, (\d+) checkpoints, last seq (\d+)/m);
    assert.ok(m, v.out);
    const n = Number(m[1]);
    assert.ok(n >= 14, `entries: ${v.out}`); // user add, app settings, 6 creates, 6 views, 1 update
    assert.ok(Number(m[2]) >= 2, v.out);

    // every record view is there, with the client address
    const out = join(keyDir, 'export.jsonl');
    await run(env.bin, ['audit', 'export', '--data', srv.data, '--format', 'jsonl', '--out', out]);
    const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const views = rows.filter((r) => r.action === 'record.view');
    assert.equal(views.length, 6);
    assert.equal(views[0].actor, srv.user);
    assert.equal(views[0].ip, '127.0.0.1');
    assert.equal(views[0].target, `app:${app}/record:${ids[0]}`);
    const csv = join(keyDir, 'export.csv');
    await run(env.bin, ['audit', 'export', '--data', srv.data, '--format', 'csv', '--out', csv, '--from', '2000-01-01']);
    const text = readFileSync(csv);
    assert.deepEqual([...text.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.match(text.toString('utf8'), /^\ufeffseq,at,actor,ip,action,target,outcome,detail,prev_hash,hash\r\n1,/);

    // keygen never overwrites the key
    await assert.rejects(run(env.bin, ['audit', 'keygen', '--key-file', key]), (err) => err.code === 1);

    // tampering, each on a fresh copy of the database
    const pristine = join(keyDir, 'pristine.db');
    copyFileSync(dbFile, pristine);
    const target = views[2].seq;
    const cases = [
      ['changed', `DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'someone' WHERE seq = ${target};`, target],
      ['removed', `DELETE FROM audit_log WHERE seq = ${target};`, target],
      ['reordered', `DROP TRIGGER audit_log_no_update;
        CREATE TEMP TABLE t AS SELECT * FROM audit_log WHERE seq IN (${target}, ${target + 1});
        DELETE FROM audit_log WHERE seq IN (${target}, ${target + 1});
        INSERT INTO audit_log SELECT CASE seq WHEN ${target} THEN ${target + 1} ELSE ${target} END,
          at, actor, ip, action, target, outcome, detail, prev_hash, hash FROM t;`, target],
    ];
    for (const [problem, sql, seq] of cases) {
      copyFileSync(pristine, dbFile);
      for (const s of ['-wal', '-shm']) rmSync(dbFile + s, { force: true });
      sqlite(dbFile, sql);
      v = await verify(srv.data, key);
      assert.equal(v.code, 1, `${problem}: ${v.out}`);
      assert.match(v.out, new RegExp(`FAILED: entry ${seq} ${problem}`), v.out);
    }
    copyFileSync(pristine, dbFile);
    v = await verify(srv.data, key);
    assert.equal(v.code, 0, v.out);
    // a checkpoint signature changed
    sqlite(dbFile, "UPDATE audit_checkpoints SET signature = substr(signature, 3) || '00' WHERE id = (SELECT MAX(id) FROM audit_checkpoints);");
    v = await verify(srv.data, key);
    assert.equal(v.code, 1, v.out);
    assert.match(v.out, /FAILED: checkpoint at seq \d+ bad checkpoint signature/);
  } finally {
    if (saved === undefined) delete process.env.MADOGUCHI_AUDIT_KEY_FILE;
    else process.env.MADOGUCHI_AUDIT_KEY_FILE = saved;
    delete process.env.MADOGUCHI_AUDIT_CHECKPOINT_EVERY;
    if (srv.proc.exitCode === null) await srv.stop();
    srv.cleanup();
    rmSync(keyDir, { recursive: true, force: true });
  }
});
