// End-to-end smoke test of the directory CLI (madoguchi org | group | user) against the data
// directory (and database) of the running server, read back through the cybozu User API
// (/v1/*.json). No shell: the binary is run with execFile. Codes carry a per-run suffix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, assertOk, run, env } from './lib.mjs';

const sfx = `${process.pid}`;
const dbArgs = () => ['--data', env.data, ...(env.db ? ['--db', env.db] : [])];
const cli = (args, input) => run(env.bin, [...args, ...dbArgs()], input);

async function cliFails(args, input) {
  await assert.rejects(cli(args, input), (err) => {
    assert.ok(err.code === 1 || err.code === 2, `exit code ${err.code}: ${err.message}`);
    return true;
  });
}

test('org, group and user commands, read back through /v1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mado-dircli-'));
  try {
    const orgs = join(dir, 'orgs.csv');
    writeFileSync(orgs, '\ufeffcode,name,name_en,parent,sort\r\n'
      + `keikaku-${sfx},都市計画課,City Planning,toshi-${sfx},1\r\n`
      + `toshi-${sfx},"都市整備政策部",,,0\r\n`);
    let out = await cli(['org', 'import', orgs, '--dry-run']);
    assert.match(out.stdout, /dry run.*2 created/);
    out = await cli(['org', 'import', orgs, '--json']);
    assert.equal(JSON.parse(out.stdout).created, 2);
    await cliFails(['org', 'set', `toshi-${sfx}`, '--parent', `keikaku-${sfx}`]); // cycle
    await cliFails(['org', 'delete', `toshi-${sfx}`]); // has a child

    await cli(['group', 'add', `kakaricho-${sfx}`, '--name', '係長']);
    await cliFails(['group', 'add', 'everyone', '--name', '全員']);

    out = await cli(['user', 'add', `sato-${sfx}`, '--name', '佐藤 昇', '--org', `keikaku-${sfx}`,
      '--group', `kakaricho-${sfx}`]);
    const lines = out.stdout.trim().split('\n');
    assert.match(lines[lines.length - 1], /^[a-km-zA-HJ-NP-Z2-9]{16}$/, out.stdout);
    // the original form keeps working
    await cli(['user', 'add', '--login', `svc-${sfx}`, '--password-stdin', '--service'], 'a-normal-password\n');
    out = await cli(['user', 'show', `sato-${sfx}`, '--json']);
    const shown = JSON.parse(out.stdout);
    assert.equal(shown.primaryOrgCode, `keikaku-${sfx}`);
    assert.deepEqual(shown.groups, [`kakaricho-${sfx}`]);
    assert.equal(shown.mustChangePassword, true);

    let res = await call('GET', '/v1/users.json', { query: { codes: [`sato-${sfx}`] } });
    assertOk(res, 'users.json');
    assert.equal(res.json.users[0].name, '佐藤 昇');
    res = await call('GET', '/v1/organization/users.json', { query: { code: `keikaku-${sfx}` } });
    assertOk(res);
    assert.equal(res.json.userTitles[0].user.code, `sato-${sfx}`);
    res = await call('GET', '/v1/organizations.json', { query: { codes: [`keikaku-${sfx}`] } });
    assert.equal(res.json.organizations[0].parentCode, `toshi-${sfx}`);

    await cli(['user', 'disable', `sato-${sfx}`]);
    res = await call('GET', '/v1/users.json', { query: { codes: [`sato-${sfx}`] } });
    assert.equal(res.json.users[0].valid, false);
    await cliFails(['user', 'frobnicate']);

    res = await call('GET', '/admin/api/events.json', { query: { actor: 'cli', limit: 500 } });
    assertOk(res, 'events.json');
    const mine = res.json.events.filter((e) => e.target.endsWith(sfx));
    assert.ok(mine.some((e) => e.action === 'admin.user.disable'));
    assert.ok(mine.some((e) => e.action === 'admin.group.create'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
