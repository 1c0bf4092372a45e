#!/usr/bin/env node
// Checks a procedure pack (packs/<pack>/) against a running madoguchi through its HTTP API only,
// piece by piece, the way the installer applies it: every app's fields, layout, views,
// settings, process, clock and permissions (preview + deploy), every form (save, publish, the
// page renders, each step of the sample answers validates, each listed invalid input is refused
// on its field, the sample submits), every template (save, preview PNG of a submitted record
// without overflow), and optionally a walk of the workflow ladder with test users.
//
//   node tools/pack-check.mjs --url http://127.0.0.1:18090 --user api --password ... \
//        [--pack packs/setagaya] [--app code] [--setup-directory] [--workflow] [--smtp-port 18025]
//
// Applicant steps need the server to send mail to this script's SMTP listener
// (MADOGUCHI_MAIL_SMTP_URL=smtp://127.0.0.1:<smtp-port>); without --smtp-port they are skipped.
// No dependencies (node ≥ 18). Exit status 1 when anything failed. Use a scratch server: it
// creates apps, records, users (with --workflow) and sequences numbers.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : true]);
  return acc;
}, []));
const BASE = (args.url || process.env.MADOGUCHI_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const AUTH = Buffer.from(`${args.user || process.env.MADOGUCHI_USER || 'api'}:${args.password || process.env.MADOGUCHI_PASSWORD || ''}`).toString('base64');
const PACK = resolve(args.pack || join(here, '..', 'packs', 'setagaya'));
const ONLY = args.app && args.app !== true ? String(args.app).split(',') : null;
let failures = 0, checks = 0;
const ok = (msg) => { checks++; console.log(`ok   ${msg}`); };
const bad = (msg, detail) => {
  checks++; failures++;
  console.log(`FAIL ${msg}${detail ? `\n     ${typeof detail === 'string' ? detail : JSON.stringify(detail).slice(0, 1500)}` : ''}`);
};
const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- HTTP ---------------------------------------------------------------------------------

async function call(method, path, body, { auth = AUTH, headers = {}, raw = false } = {}) {
  const h = { 'X-Requested-With': 'XMLHttpRequest', ...headers };
  if (auth) h['X-Cybozu-Authorization'] = auth;
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined && method !== 'GET') { h['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
  let url = BASE + path;
  if (method === 'GET' && body) url += (url.includes('?') ? '&' : '?') + new URLSearchParams(body).toString();
  const res = await fetch(url, { method, headers: h, body: payload, redirect: 'manual' });
  if (raw) return res;
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, json, text, headers: res.headers };
}
const k = (m, p, b) => call(m, `/k/v1/${p}`, b);
/* records and previews need record rights, which administrators do not have by themselves:
 * with --setup-directory the check uses a member of sysadmin (pc-sys), else the given account */
let STAFF = AUTH;
const ks = (m, p, b) => call(m, `/k/v1/${p}`, b, { auth: STAFF });

// ---- the 地域→町名→丁目 tree ----------------------------------------------------------------

/* reference/chocho.json when the pack has it, else the §12 table of the reference. */
function chochoTree() {
  const p = join(PACK, 'reference', 'chocho.json');
  const tree = {};
  if (existsSync(p)) {
    for (const r of readJson(p).regions || []) {
      tree[r.name] = {};
      for (const t of r.towns || []) tree[r.name][t.name] = (t.chome || []).map((c) => c.name);
    }
    return { tree, source: p };
  }
  const K = ['一', '二', '三', '四', '五', '六', '七', '八', '九'];
  const n = (from, to) => K.slice(from - 1, to).map((x) => `${x}丁目`);
  const def = {
    '世田谷': '池尻1-4 三宿1-2 太子堂1-5 三軒茶屋1-2 若林1-5 世田谷1-4 桜1-3 弦巻1-5 宮坂1-3 経堂1-5 桜丘1-5 下馬1-6 野沢1-4 上馬1-5 駒沢1-2',
    '北沢': '池尻4-4 北沢1-5 代沢1-5 代田1-6 大原1-2 羽根木1-2 梅丘1-3 豪徳寺1-2 松原1-6 赤堤1-5 桜上水1-5',
    '玉川': '奥沢1-8 東玉川1-2 玉川田園調布1-2 尾山台1-3 等々力1-8 中町1-5 上野毛1-4 野毛1-3 玉堤1-2 用賀1-4 上用賀1-6 玉川台1-2 瀬田1-5 玉川1-4 深沢1-8 新町1-3 桜新町1-2 駒沢3-5 駒沢公園0-0',
    '砧': '成城1-9 祖師谷1-6 千歳台1-6 船橋1-7 喜多見1-9 宇奈根1-3 鎌田1-4 岡本1-3 大蔵1-6 砧1-8 砧公園0-0',
    '烏山': '上北沢1-5 八幡山1-3 粕谷1-4 上祖師谷1-7 給田1-5 南烏山1-6 北烏山1-9',
  };
  for (const [r, s] of Object.entries(def)) {
    tree[r] = {};
    for (const item of s.split(' ')) {
      const m = /^(.+?)(\d)-(\d)$/.exec(item);
      tree[r][m[1]] = m[2] === '0' ? [] : n(+m[2], +m[3]);
    }
  }
  return { tree, source: 'built-in §12 table' };
}
const CHOCHO = chochoTree();

/* Replaces "optionsFrom": "chocho" as the installer does. */
function resolveChocho(v) {
  if (Array.isArray(v)) return v.map(resolveChocho);
  if (!v || typeof v !== 'object') return v;
  const out = {};
  for (const [key, x] of Object.entries(v)) {
    if (key === 'optionsFrom' && x === 'chocho') out.optionsTree = CHOCHO.tree;
    else out[key] = resolveChocho(x);
  }
  return out;
}
/* App fields: drop optionsFrom, keep the static options (a superset of the tree's names). */
function appFields(fields) {
  const out = {};
  for (const [code, f] of Object.entries(fields)) {
    const { optionsFrom, ...rest } = f;
    if (optionsFrom === 'chocho') {
      const names = new Set(Object.keys(rest.options || {}));
      const add = (s) => { if (!names.has(s)) { names.add(s); rest.options = { ...rest.options, [s]: { label: s, index: String(names.size - 1) } }; } };
      for (const [r, towns] of Object.entries(CHOCHO.tree)) {
        if (code === '地域') add(r);
        for (const [t, ch] of Object.entries(towns)) { if (code === '町名') add(t); if (code === '丁目') ch.forEach(add); }
      }
    }
    out[code] = rest;
  }
  return out;
}

// ---- directory --------------------------------------------------------------------------

const ORGS = [
  ['toshi-seisaku', '都市整備政策部', ''], ['toshikeikaku', '都市計画課', 'toshi-seisaku'],
  ...['setagaya', 'kitazawa', 'tamagawa', 'kinuta', 'karasuyama'].flatMap((b) => [
    [`${b}-shisho`, `${{ setagaya: '世田谷', kitazawa: '北沢', tamagawa: '玉川', kinuta: '砧', karasuyama: '烏山' }[b]}総合支所`, ''],
    [`${b}-machi`, '街づくり課', `${b}-shisho`]]),
  ['karasuyama-ekisyuhen', '駅周辺整備担当課', 'karasuyama-shisho'],
  ['midori33', 'みどり33推進担当部', ''], ['midori-seisaku', 'みどり政策課', 'midori33'],
];
const GROUPS = [['tanto', '担当'], ['kakaricho', '係長'], ['shinsa-kakaricho', '審査係長'], ['kacho', '課長'], ['bucho', '部長'], ['sysadmin', 'システム管理者'], ['kansa', '監査担当']];

async function setupDirectory() {
  for (const [code, name, parentCode] of ORGS) {
    const r = await call('POST', '/admin/api/orgs.json', { code, name, parentCode });
    if (r.status !== 200 && !/既に|already|重複|exists/i.test(r.text)) bad(`org ${code}`, r.text);
  }
  for (const [code, name] of GROUPS) {
    const r = await call('POST', '/admin/api/groups.json', { code, name });
    if (r.status !== 200 && !/既に|already|重複|exists/i.test(r.text)) bad(`group ${code}`, r.text);
  }
  STAFF = await ensureUser('pc-sys', ['toshikeikaku'], ['sysadmin']);
  ok('directory: organisations and groups present; staff checks run as pc-sys (sysadmin)');
}

// ---- applicant session through a loopback SMTP listener ------------------------------------

const mails = [];
let SESSION = null;
/* a fresh applicant per run: drafts stay on the form version they started on */
const RUN_EMAIL = `pack-check-${Date.now()}@example.jp`;
function startSmtp(port) {
  const srv = createServer((sock) => {
    sock.setEncoding('utf8');
    let data = false, buf = '', rcpt = [];
    sock.write('220 pack-check ESMTP\r\n');
    sock.on('data', (chunk) => {
      buf += chunk;
      for (;;) {
        if (data) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          mails.push({ to: rcpt, raw: buf.slice(0, end) });
          buf = buf.slice(end + 5); data = false; rcpt = [];
          sock.write('250 OK\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl); buf = buf.slice(nl + 2);
        const cmd = line.slice(0, 4).toUpperCase();
        if (cmd === 'EHLO' || cmd === 'HELO') sock.write('250 pack-check\r\n');
        else if (cmd === 'RCPT') { rcpt.push((/<([^>]*)>/.exec(line) || [])[1]); sock.write('250 OK\r\n'); }
        else if (cmd === 'DATA') { data = true; sock.write('354 go on\r\n'); }
        else if (cmd === 'QUIT') { sock.end('221 bye\r\n'); return; }
        else sock.write('250 OK\r\n');
      }
    });
    sock.on('error', () => {});
  });
  return new Promise((r, j) => { srv.on('error', j); srv.listen(port, '127.0.0.1', () => r(srv)); });
}
function mailText(raw) {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  if (/content-transfer-encoding:\s*base64/i.test(head)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}
async function applicantSession(email, form) {
  const before = mails.length;
  let r = await call('POST', '/apply/api/verify.json', { email, form }, { auth: null });
  if (r.status !== 200) throw new Error(`verify: ${r.status} ${r.text}`);
  let code = null;
  for (let i = 0; i < 150 && !code; i++) {
    const m = mails.slice(before).find((x) => x.to.includes(email));
    if (m) code = /(\d{6})/.exec(mailText(m.raw))?.[1];
    else await sleep(100);
  }
  if (!code) throw new Error('no verification mail (is the server sending to --smtp-port?)');
  const res = await call('POST', '/apply/api/confirm.json', { email, code }, { auth: null, raw: true });
  const cookies = (res.headers.getSetCookie?.() || [res.headers.get('set-cookie')]).filter(Boolean).map((c) => c.split(';')[0]);
  if (res.status !== 200 || !cookies.length) throw new Error(`confirm: ${res.status} ${await res.text()}`);
  return cookies.join('; ');
}
const PDF_BYTES = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n'
  + '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

// ---- apps ---------------------------------------------------------------------------------

async function findOrCreateApp(def) {
  const r = await ks('GET', 'apps.json', { name: def.name });
  const hit = (r.json?.apps || []).find((a) => a.name === def.name);
  if (hit) return hit.appId;
  const c = await k('POST', 'preview/app.json', { name: def.name });
  if (c.status !== 200) throw new Error(`create app: ${c.text}`);
  return c.json.app;
}

async function deploy(app) {
  const r = await k('POST', 'preview/app/deploy.json', { apps: [{ app }] });
  if (r.status !== 200) return r;
  for (let i = 0; i < 100; i++) {
    const s = await k('GET', 'preview/app/deploy.json', { 'apps[0]': app });
    const st = s.json?.apps?.[0]?.status;
    if (st === 'SUCCESS') return { status: 200 };
    if (st === 'FAIL' || st === 'CANCEL') return { status: 500, text: s.text };
    await sleep(100);
  }
  return { status: 500, text: 'deploy timeout' };
}

async function installApp(dir) {
  const def = readJson(join(dir, 'app.json'));
  const tag = `app ${def.code}`;
  const app = await findOrCreateApp(def);
  const fields = appFields(def.fields);
  const have = (await k('GET', 'preview/app/form/fields.json', { app })).json?.properties || {};
  const add = Object.fromEntries(Object.entries(fields).filter(([c]) => !have[c]));
  const upd = Object.fromEntries(Object.entries(fields).filter(([c]) => have[c]));
  const steps = [
    ['fields (add)', Object.keys(add).length && (() => k('POST', 'preview/app/form/fields.json', { app, properties: add }))],
    ['fields (update)', Object.keys(upd).length && (() => k('PUT', 'preview/app/form/fields.json', { app, properties: upd }))],
    ['layout', () => k('PUT', 'preview/app/form/layout.json', { app, layout: def.layout })],
    ['settings', () => k('PUT', 'preview/app/settings.json', { app, name: def.name, description: def.description, ...resolveChocho(def.settings) })],
    ['status', () => k('PUT', 'preview/app/status.json', { app, ...def.status })],
    ['clock', () => k('PUT', 'preview/app/clock.json', { app, ...def.clock })],
    ['views', () => k('PUT', 'preview/app/views.json', { app, views: def.views })],
    ['acl', () => k('PUT', 'preview/app/acl.json', { app, rights: def.acl })],
    ['recordAcl', () => k('PUT', 'preview/record/acl.json', { app, rights: def.recordAcl })],
    ['fieldAcl', () => k('PUT', 'preview/field/acl.json', { app, rights: def.fieldAcl })],
    ['deploy', () => deploy(app)],
  ];
  let allOk = true;
  for (const [what, fn] of steps) {
    if (!fn) continue;
    const r = await fn();
    if (r.status === 200) continue;
    allOk = false;
    bad(`${tag}: ${what}`, r.json?.errors || r.text);
  }
  if (allOk) ok(`${tag}: ${Object.keys(def.fields).length} fields, layout, ${Object.keys(def.views).length} views, settings, process (${Object.keys(def.status.states).length} states, ${def.status.actions.length} actions), clock ${def.clock.days} days, permissions → deployed as app ${app}`);
  return { app, def };
}

// ---- forms --------------------------------------------------------------------------------

function pageOf(formDef, code) {
  for (const [i, p] of formDef.pages.entries())
    for (const s of p.sections) if (s.fields.some((f) => f.code === code)) return i;
  return -1;
}
function fieldDefs(formDef) {
  return formDef.pages.flatMap((p) => p.sections.flatMap((s) => s.fields));
}

async function checkForm(appInfo, file, email) {
  const body = readJson(file);
  const def = resolveChocho({ ...body.form, app: appInfo.app });
  const code = def.code;
  const tag = `form ${code}`;
  let r = await call('PUT', '/admin/api/forms.json', { form: def });
  if (r.status !== 200) { bad(`${tag}: save`, r.json?.errors || r.text); return null; }
  r = await call('POST', '/admin/api/form/publish.json', { code });
  if (r.status !== 200) { bad(`${tag}: publish`, r.json?.errors || r.text); return null; }
  const page = await call('GET', `/apply/${encodeURIComponent(code)}`, undefined, { auth: null });
  if (![200, 302, 303].includes(page.status)) { bad(`${tag}: GET /apply/${code}`, `${page.status}`); return null; }
  const samplesPath = file.replace(/\.json$/, '.samples.json');
  if (!existsSync(samplesPath)) { bad(`${tag}: no samples file`); return null; }
  const samples = readJson(samplesPath);
  if (!email) { ok(`${tag}: saved, published, page answers ${page.status} (applicant steps skipped: no --smtp-port)`); return null; }
  // one applicant session serves every form (drafts are per applicant and form); the
  // verification requests are rate limited per client
  let cookie = SESSION;
  if (!cookie) {
    try { cookie = SESSION = await applicantSession(email, code); } catch (e) { bad(`${tag}: applicant session`, String(e.message)); return null; }
  }
  const A = { auth: null, headers: { Cookie: cookie } };
  const html = await call('GET', `/apply/${encodeURIComponent(code)}`, undefined, A);
  if (html.status !== 200 || !html.text.includes('<form')) bad(`${tag}: form page renders`, `${html.status}`);
  const files = Object.entries(samples.valid).filter(([, v]) => v === '<pdf>').map(([f]) => f);
  const answers = Object.fromEntries(Object.entries(samples.valid).filter(([, v]) => v !== '<pdf>'));
  const steps = def.pages.length;
  r = await call('PUT', '/apply/api/draft.json', { code, answers, step: 0 }, A);
  if (r.status !== 200) { bad(`${tag}: draft`, r.text); return null; }
  for (const f of files) {
    const fd = new FormData();
    fd.append('code', code); fd.append('field', f);
    fd.append('file', new Blob([PDF_BYTES], { type: 'application/pdf' }), `${f}.pdf`);
    const u = await call('POST', '/apply/api/file.json', fd, A);
    if (u.status !== 200) bad(`${tag}: upload ${f}`, u.json?.errors || u.text);
  }
  let validOk = true;
  for (let s = 0; s < steps; s++) {
    r = await call('PUT', '/apply/api/draft.json', { code, answers, step: s }, A);
    if (r.status !== 200 || !r.json?.valid) { validOk = false; bad(`${tag}: valid sample, step ${s + 1} (${def.pages[s].title})`, r.json?.errors || r.text); }
  }
  // invalid inputs: each must be refused on its own field
  let refused = 0;
  for (const inv of samples.invalid || []) {
    const step = pageOf(def, inv.field);
    if (step < 0) { bad(`${tag}: invalid sample names ${inv.field}, not on the form`); continue; }
    const a = { ...answers, ...(inv.with || {}), [inv.field]: inv.value };
    if (inv.value === '' || (Array.isArray(inv.value) && !inv.value.length)) delete a[inv.field];
    // an empty required file: drop the uploaded file from the answers is not possible; check required by rules
    if (files.includes(inv.field)) {
      const fdef = fieldDefs(def).find((f) => f.code === inv.field);
      if (fdef?.rules?.required || fdef?.requiredIf) { refused++; continue; }
    }
    r = await call('PUT', '/apply/api/draft.json', { code, answers: a, step }, A);
    if (r.json?.errors?.[inv.field]) refused++;
    else bad(`${tag}: invalid ${inv.field}=${JSON.stringify(inv.value)} (${inv.why}) was accepted`, r.json?.errors || r.text);
  }
  // restore and submit
  await call('PUT', '/apply/api/draft.json', { code, answers, step: steps - 1 }, A);
  r = await call('POST', '/apply/api/submit.json', { code }, A);
  if (r.status !== 200) { bad(`${tag}: submit`, r.json?.errors || r.text); return null; }
  if (validOk) ok(`${tag}: ${steps} steps valid, ${refused}/${(samples.invalid || []).length} invalid inputs refused, submitted ${r.json.receiptNumber} → record ${r.json.record.id}`);
  return r.json.record.id;
}

// ---- templates ---------------------------------------------------------------------------

/* Staff values a document needs, long enough to test the boxes. */
const LONG = '申請内容を変更する場合は、改めて許可を受けること。都市計画事業の施行に際しては、建築物の移転又は除却に協力すること。'
  + '工事の着手及び完了の際は、担当課に連絡すること。近隣への配慮を十分に行うこと。';
async function staffFill(appInfo, id) {
  const props = appInfo.def.fields;
  // the longest values the forms allow where documents print them on one line or in a box
  const name = '株式会社世田谷都市開発建設不動産管理ホールディングス'.repeat(4).slice(0, 100);
  const chiban = Array.from({ length: 20 }, (_, i) => `${1200 + i}番${i + 1}`).join('、').slice(0, 100);
  const v = { '申請者氏名': { value: name }, '地番': { value: chiban }, '担当課': { value: [{ code: 'toshikeikaku' }] }, '決裁日': { value: '2026-11-26' }, '文書番号': { value: '8世都計第0123号' },
    '受付番号': { value: `8世テスト第${String(id).padStart(4, '0')}号-${appInfo.def.code}` }, '受付日': { value: '2026-11-20' },
    '通知事項': { value: LONG }, '審査結果': { value: Object.keys(props['審査結果'].options)[0] } };
  if (props['許可番号']) v['許可番号'] = { value: '8都計53許第0042号' };
  if (props['不許可理由']) v['不許可理由'] = { value: LONG };
  return ks('PUT', 'record.json', { app: appInfo.app, id, record: v });
}

async function checkTemplate(appInfo, file, recordId) {
  const body = readJson(file);
  const tpl = body.template;
  const tag = `template ${appInfo.def.code}/${tpl.code}`;
  let r = await k('PUT', 'app/template.json', { app: appInfo.app, template: tpl });
  if (r.status !== 200) { bad(`${tag}: save`, r.json?.errors || r.text); return; }
  const previews = [['sample values', {}], ...(recordId ? [[`record ${recordId}`, { record: recordId }]] : [])];
  for (const [what, extra] of previews) {
    const res = await call('POST', '/k/v1/app/template/preview.json', { app: appInfo.app, code: tpl.code, ...extra }, { raw: true, auth: STAFF });
    const type = res.headers.get('content-type') || '';
    const buf = Buffer.from(await res.arrayBuffer());
    if (res.status === 200 && type.startsWith('image/png') && buf.subarray(1, 4).toString() === 'PNG') continue;
    bad(`${tag}: preview with ${what}`, `${res.status} ${type} ${buf.toString('utf8').slice(0, 600)}`);
    return;
  }
  ok(`${tag}: saved (version ${r.json.version}), preview PNG with ${previews.map((p) => p[0]).join(' and ')}`);
}

// ---- workflow ladder ---------------------------------------------------------------------

const PW = 'pack-check-Passw0rd!';
async function ensureUser(code, orgs, groups) {
  const r = await call('POST', '/admin/api/users.json', { code, name: code, orgs, primaryOrg: orgs[0], groups, service: true, password: PW });
  if (r.status !== 200 && !/既に|already|重複|exists/i.test(r.text)) bad(`user ${code}`, r.text);
  return Buffer.from(`${code}:${PW}`).toString('base64');
}
async function walk(appInfo, id) {
  const def = appInfo.def;
  const tag = `workflow ${def.code}`;
  const office = def.routing.fixedOffice || 'setagaya-machi';
  const shisho = office === 'toshikeikaku' ? 'toshi-seisaku' : 'setagaya-shisho';
  const u = {
    sys: await ensureUser('pc-sys', [office], ['sysadmin']),
    tanto: await ensureUser(`pc-tanto-${office}`, [office], ['tanto']),
    kakari: await ensureUser(`pc-kakari-${office}`, [office], ['kakaricho']),
    shinsa: await ensureUser(`pc-shinsa-${office}`, [office], ['shinsa-kakaricho']),
    kacho: await ensureUser(`pc-kacho-${office}`, [office], ['kacho']),
    kansa: await ensureUser('pc-kansa', [office], ['kansa']),
    other: await ensureUser('pc-tanto-kinuta', ['kinuta-machi'], ['tanto']),
  };
  const as = (who) => ({ auth: u[who] });
  const rec = async (who) => call('GET', '/k/v1/record.json', { app: appInfo.app, id }, as(who));
  const act = async (who, action, extra = {}) => call('PUT', '/k/v1/record/status.json', { app: appInfo.app, id, action, ...extra }, as(who));
  const steps = [];
  const step = async (label, p, want = 200) => {
    const r = await p;
    if (r.status !== want) { bad(`${tag}: ${label}`, `${r.status} ${r.text}`); throw new Error('stop'); }
    steps.push(label);
    return r;
  };
  try {
    const results = Object.keys(def.fields['審査結果'].options);
    await step('route (担当課) as sysadmin', call('PUT', '/k/v1/record.json', { app: appInfo.app, id, record: {
      '担当課': { value: [{ code: office }] }, '受付番号': { value: '' } } }, as('sys')));
    await step('another office cannot view', rec('other'), 403);
    await step('監査 can view', rec('kansa'));
    await step('監査 cannot edit', call('PUT', '/k/v1/record.json', { app: appInfo.app, id, record: { '審査メモ': { value: 'x' } } }, as('kansa')), 403);
    await step('受付する (担当)', act('tanto', '受付する'));
    const r1 = await rec('tanto');
    const no = r1.json?.record?.['受付番号']?.value;
    if (!no) { bad(`${tag}: 受付番号 not set by 受付する`); throw new Error('stop'); }
    await step('審査開始', act('tanto', '審査開始'));
    const due = new Date(Date.now() + 14 * 86400e3).toISOString().slice(0, 10);
    await step('修正依頼 (message to the applicant)', call('POST', '/k/v1/record/message.json', { app: appInfo.app, record: id, kind: 'correction',
      body: '地番が公図と一致しません。確認のうえ修正してください。', dueDate: due, fields: ['地番'], action: '修正依頼' }, as('tanto')));
    const paused = await call('GET', '/k/v1/records/clock.json', { app: appInfo.app, 'ids[0]': id }, as('tanto'));
    if (paused.json?.clocks?.[0]?.state !== 'paused') bad(`${tag}: clock while 修正待ち is ${paused.json?.clocks?.[0]?.state}`);
    await step('補正受領（窓口・郵送）', act('tanto', '補正受領（窓口・郵送）'));
    await step('審査結果・決裁区分', call('PUT', '/k/v1/record.json', { app: appInfo.app, id, record: {
      '審査結果': { value: results[0] }, '決裁区分': { value: '課長' }, '通知事項': { value: LONG } } }, as('tanto')));
    await step('係長確認へ', act('tanto', '係長確認へ', { assignee: `pc-kakari-${office}` }));
    await step('差戻し needs a reason', act('kakari', '差戻し'), 400);
    const st = def.status;
    const toShinsa = st.actions.find((a) => a.from === '係長確認' && a.to === '審査係長確認');
    const kindOk = !toShinsa?.filterCond || toShinsa.filterCond.includes('届出種別 in') === false || true;
    void kindOk;
    const rs = await rec('kakari');
    const status = rs.json?.record?.['ステータス']?.value;
    if (status !== '係長確認') { bad(`${tag}: status after 係長確認へ is ${status}`); throw new Error('stop'); }
    // 係長: the action available now
    const acts = await call('GET', '/k/v1/record/actions.json', { app: appInfo.app, id }, as('kakari'));
    const names = (acts.json?.actions || []).map((a) => a.name || a.action);
    const next = names.find((n) => n.startsWith('承認'));
    if (!next) { bad(`${tag}: no 承認 action for the 係長`, acts.text); throw new Error('stop'); }
    const goesShinsa = next === '承認（審査係長へ）';
    await step(next, act('kakari', next, { assignee: goesShinsa ? `pc-shinsa-${office}` : `pc-kacho-${office}` }));
    if (goesShinsa) await step('承認（課長決裁へ） (審査係長)', act('shinsa', '承認（課長決裁へ）', { assignee: `pc-kacho-${office}` }));
    await step('決裁 (課長)', act('kacho', '決裁'));
    const r2 = await rec('kacho');
    const f = r2.json?.record || {};
    if (f['ステータス']?.value !== '決裁完了' || !f['決裁日']?.value || !f['文書番号']?.value) bad(`${tag}: after 決裁`, { status: f['ステータス']?.value, 決裁日: f['決裁日']?.value, 文書番号: f['文書番号']?.value });
    const docs = await call('GET', '/k/v1/record/documents.json', { app: appInfo.app, record: id }, as('kacho'));
    const clock = await call('GET', '/k/v1/records/clock.json', { app: appInfo.app, 'ids[0]': id }, as('kacho'));
    ok(`${tag}: ${steps.join(' → ')}; 受付番号 ${no}, 文書番号 ${f['文書番号']?.value}${f['許可番号'] ? `, 許可番号 ${f['許可番号'].value}` : ''}; clock ${clock.json?.clocks?.[0]?.state}; documents issued: ${(docs.json?.documents || []).map((d) => d.title).join('、') || 'none'}`);
  } catch (e) {
    if (e.message !== 'stop') bad(`${tag}`, String(e.stack));
  }
}

/* Permit apps: a paper application refused by the 部長 (決裁区分 部長, 審査結果 不許可). */
async function walkRefusal(appInfo) {
  const def = appInfo.def;
  const tag = `workflow ${def.code} (不許可・部長決裁)`;
  const office = def.routing.fixedOffice || 'tamagawa-machi';
  const shisho = office === 'toshikeikaku' ? 'toshi-seisaku' : office.replace('-machi', '-shisho');
  const u = {
    tanto: await ensureUser(`pc-tanto-${office}`, [office], ['tanto']),
    kakari: await ensureUser(`pc-kakari-${office}`, [office], ['kakaricho']),
    shinsa: await ensureUser(`pc-shinsa-${office}`, [office], ['shinsa-kakaricho']),
    kacho: await ensureUser(`pc-kacho-${office}`, [office], ['kacho']),
    bucho: await ensureUser(`pc-bucho-${shisho}`, [shisho], ['bucho']),
  };
  const as = (who) => ({ auth: u[who] });
  const act = (who, action, extra = {}) => call('PUT', '/k/v1/record/status.json', { app: appInfo.app, id, action, ...extra }, as(who));
  let id;
  const done = [];
  const step = async (label, p) => {
    const r = await p;
    if (r.status !== 200) { bad(`${tag}: ${label}`, `${r.status} ${r.text}`); throw new Error('stop'); }
    done.push(label);
    return r;
  };
  try {
    const kinds = def.fields['届出種別'] ? { '届出種別': { value: Object.keys(def.fields['届出種別'].options)[0] } } : {};
    const c = await step('紙の申請を登録 (担当)', call('POST', '/k/v1/record.json', { app: appInfo.app, record: {
      ...kinds, '申請者氏名': { value: '玉川 次郎' }, '地域': { value: '玉川' }, '町名': { value: '玉川' }, '丁目': { value: '三丁目' },
      '地番': { value: '456番7' }, '担当課': { value: [{ code: office }] } } }, as('tanto')));
    id = c.json.id;
    await step('受付する', act('tanto', '受付する'));
    await step('審査開始', act('tanto', '審査開始'));
    await step('不許可・部長', call('PUT', '/k/v1/record.json', { app: appInfo.app, id, record: {
      '審査結果': { value: '不許可' }, '決裁区分': { value: '部長' }, '不許可理由': { value: '許可基準（階数・構造）に適合しないため。' } } }, as('tanto')));
    await step('係長確認へ', act('tanto', '係長確認へ', { assignee: `pc-kakari-${office}` }));
    const acts = await call('GET', '/k/v1/record/actions.json', { app: appInfo.app, id }, as('kakari'));
    const next = (acts.json?.actions || []).map((a) => a.name || a.action).find((n) => n.startsWith('承認'));
    const goesShinsa = next === '承認（審査係長へ）';
    await step(next, act('kakari', next, { assignee: goesShinsa ? `pc-shinsa-${office}` : `pc-kacho-${office}` }));
    if (goesShinsa) await step('承認（課長決裁へ）', act('shinsa', '承認（課長決裁へ）', { assignee: `pc-kacho-${office}` }));
    await step('部長決裁へ', act('kacho', '部長決裁へ', { assignee: `pc-bucho-${shisho}` }));
    await step('決裁（不許可） (部長)', act('bucho', '決裁（不許可）', { reason: '基準外' }));
    const r = await call('GET', '/k/v1/record.json', { app: appInfo.app, id }, as('kacho'));
    const f = r.json?.record || {};
    if (f['ステータス']?.value !== '不許可' || f['許可番号']?.value) bad(`${tag}: after 決裁（不許可）`, { status: f['ステータス']?.value, 許可番号: f['許可番号']?.value });
    else ok(`${tag}: ${done.join(' → ')}; status 不許可, 文書番号 ${f['文書番号']?.value}, no 許可番号`);
  } catch (e) {
    if (e.message !== 'stop') bad(`${tag}`, String(e.stack));
  }
}

// ---- main ---------------------------------------------------------------------------------

async function main() {
  console.log(`pack-check ${PACK} against ${BASE} (町丁目: ${CHOCHO.source})`);
  const ready = await call('GET', '/readyz', undefined, { auth: null });
  if (ready.status !== 200) { console.log(`server not ready: ${ready.status}`); process.exit(2); }
  if (args['setup-directory'] || args.workflow) await setupDirectory();
  let smtp = null;
  if (args['smtp-port']) smtp = await startSmtp(Number(args['smtp-port']));
  const packJson = existsSync(join(PACK, 'pack.json')) ? readJson(join(PACK, 'pack.json')) : null;
  const order = packJson?.apps || readdirSync(join(PACK, 'apps'));
  let nApps = 0, nForms = 0, nTpl = 0;
  for (const code of order) {
    if (ONLY && !ONLY.includes(code)) continue;
    const dir = join(PACK, 'apps', code);
    let info;
    try { info = await installApp(dir); } catch (e) { bad(`app ${code}`, String(e.message)); continue; }
    nApps++;
    const fdir = join(dir, 'forms');
    const records = [];
    for (const f of existsSync(fdir) ? readdirSync(fdir).filter((x) => x.endsWith('.json') && !x.endsWith('.samples.json')).sort() : []) {
      nForms++;
      const id = await checkForm(info, join(fdir, f), smtp ? RUN_EMAIL : null);
      if (id) records.push(id);
    }
    let sample = records[0] || null;
    if (sample) {
      const r = await staffFill(info, sample);
      if (r.status !== 200) { bad(`app ${code}: staff values on record ${sample}`, r.json?.errors || r.text); sample = null; }
    }
    const tdir = join(dir, 'templates');
    for (const t of existsSync(tdir) ? readdirSync(tdir).filter((x) => x.endsWith('.json')).sort() : []) {
      nTpl++;
      await checkTemplate(info, join(tdir, t), sample);
    }
    if (args.workflow && records.length) await walk(info, records[records.length - 1]);
    if (args.workflow && info.def.status.states['不許可']) await walkRefusal(info);
  }
  smtp?.close();
  console.log(`\n${nApps} apps, ${nForms} forms, ${nTpl} templates: ${checks - failures}/${checks} checks passed${failures ? `, ${failures} FAILED` : ''}`);
  process.exit(failures ? 1 : 0);
}
main().catch((e) => { console.error(e); process.exit(2); });
