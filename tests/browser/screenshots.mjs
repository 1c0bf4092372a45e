// The screenshots in docs/img/ that the README and the staff manual show: `make screenshots`.
// Starts the real server on a fresh data directory, installs the Setagaya pack with its demo
// data (`madoguchi pack install --demo packs/setagaya`: fictional applications over the last
// 12 months), signs in as the demo 担当 of the 北沢 office (replacing the temporary password the
// install printed) and photographs the inbox, a record list, a record, the dashboard, the
// 審査台帳 and the public forms. Not a test: nothing is asserted beyond the pages loading.
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { startServer, launch } from './lib.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = join(ROOT, 'docs', 'img');
const VIEWPORT = { width: 1280, height: 800 };
const LOGIN = 'demo-kitazawa-tanto';

const server = await startServer({ MADOGUCHI_SECURITY_MFA_REQUIRED: '0' });
const installed = server.cli(['pack', 'install', '--demo', '--log-level', 'warn', join(ROOT, 'packs', 'setagaya')]);
const line = installed.split('\n').find((l) => l.trim().startsWith(`${LOGIN} `));
if (!line) throw new Error(`no password for ${LOGIN} in the install's output:\n${installed.slice(-2000)}`);
const temporary = line.trim().split(/\s+/)[1];

const browser = await launch();
mkdirSync(OUT, { recursive: true });
const ctx = await browser.newContext({ locale: 'ja-JP', viewport: VIEWPORT, deviceScaleFactor: 1 });
const json = { 'X-Requested-With': 'XMLHttpRequest' };
let res = await ctx.request.post(`${server.url}/auth/login.json`, { headers: json, data: { login: LOGIN, password: temporary } });
if (res.status() !== 200) throw new Error(`login: ${res.status()} ${await res.text()}`);
const { requestToken } = await (await ctx.request.get(`${server.url}/auth/session.json`, { headers: json })).json();
res = await ctx.request.post(`${server.url}/auth/password.json`, {
  headers: { ...json, 'X-Request-Token': requestToken }, data: { password: `Shot-${randomBytes(9).toString('hex')}` } });
if (res.status() !== 200) throw new Error(`password: ${res.status()} ${await res.text()}`);

const call = async (path) => (await ctx.request.get(`${server.url}${path}`, { headers: json })).json();
const { apps } = await call('/k/v1/apps.json');
const appOf = (code) => apps.find((a) => a.code === code) || apps.find((a) => a.name.includes(code));
const chiku = appOf('chikukeikaku') || apps[0];
const ledger = appOf('shinsadaicho');
// the record photographed: one waiting for this user's review, so its actions show
const assigned = (await call('/api/assigned.json?limit=200')).records;
const mine = assigned.find((r) => r.status === '審査中') || assigned.find((r) => r.status === '受付') || assigned[0];

const page = await ctx.newPage();
const shot = async (name, hash, ready) => {
  await page.goto(`${server.url}/staff/${hash}`);
  await page.locator(ready).first().waitFor({ timeout: 20000 });
  await page.waitForTimeout(500); // charts and fonts settle
  await page.screenshot({ path: join(OUT, `${name}.png`) });
  console.log(`docs/img/${name}.png`);
};
await shot('staff-inbox', '#/inbox', 'table tbody tr');
await shot('staff-records', `#/apps/${chiku.appId}`, 'table tbody tr');
await shot('staff-record', `#/apps/${mine.app}/records/${mine.record}`, '[role=tablist]');
await shot('staff-dashboard', '#/dashboard', 'canvas');
if (ledger) await shot('staff-ledger', `#/apps/${ledger.appId}`, 'table tbody tr');

// The applicant side: the list of the 29 forms, and the first step of one of them.
const pub = await browser.newContext({ locale: 'ja-JP', viewport: VIEWPORT });
const pp = await pub.newPage();
await pp.goto(`${server.url}/apply/`);
await pp.screenshot({ path: join(OUT, 'apply-list.png') });
console.log('docs/img/apply-list.png');
const first = await pp.locator('main a[href^="/apply/"]').first().getAttribute('href');
await pp.goto(`${server.url}${first}`);
await pp.screenshot({ path: join(OUT, 'apply-form.png') });
console.log('docs/img/apply-form.png');

await browser.close();
await server.stop();
