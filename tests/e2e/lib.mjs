// Shared helpers of the end-to-end suites (tests/e2e) and the client compatibility suites
// (tests/compat): the running server's coordinates from the environment that
// scripts/check-compat.sh sets, raw HTTP with fetch, kintone error-shape assertions, app
// creation over the API, API tokens minted with the CLI (`madoguchi token add`) while the
// server runs, and a private server process for the tests that must stop or reconfigure one.
// No npm dependencies: only Node's standard library.
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the suites through scripts/check-compat.sh`);
  return v;
}

export const env = {
  get url() { return need('MADOGUCHI_URL').replace(/\/+$/, ''); },
  get user() { return need('MADOGUCHI_USER'); },
  get password() { return need('MADOGUCHI_PASSWORD'); },
  get bin() { return need('MADOGUCHI_BIN'); },
  get data() { return need('MADOGUCHI_DATA'); },
  /* --db URL of the shared server (PostgreSQL runs) or undefined for SQLite in the data dir */
  get db() { return process.env.MADOGUCHI_TEST_DB || undefined; },
  get long() { return process.env.LONG === '1'; },
};

export function basicAuth(user = env.user, password = env.password) {
  return { 'X-Cybozu-Authorization': Buffer.from(`${user}:${password}`).toString('base64') };
}

/* kintone encodes GET/DELETE parameters with qs.stringify: indexed, percent-encoded brackets. */
export function qs(params) {
  const parts = [];
  const enc = (s) => encodeURIComponent(String(s));
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) v.forEach((x, i) => parts.push(`${enc(`${k}[${i}]`)}=${enc(x)}`));
    else parts.push(`${enc(k)}=${enc(v)}`);
  }
  return parts.join('&');
}

/*
 * One HTTP request. Returns {status, headers, text, json, body(Buffer)}. Every response is
 * checked for the two things no request may ever produce: a 5xx status and, for /k/ API errors,
 * a body that is not kintone's error JSON. `allow5xx` exists only for tests that provoke a
 * deliberate outage (none today).
 */
export async function call(method, path, opts = {}) {
  const { query, body, headers = {}, auth = 'password', raw, allow5xx = false, base = env.url } = opts;
  const h = { ...headers };
  if (auth === 'password') Object.assign(h, basicAuth());
  else if (auth && typeof auth === 'object' && auth.token) h['X-Cybozu-API-Token'] = auth.token;
  else if (auth && typeof auth === 'object' && auth.user) Object.assign(h, basicAuth(auth.user, auth.password));
  let payload;
  if (raw !== undefined) payload = raw;
  else if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
  }
  const url = `${base}${path}${query ? (path.includes('?') ? '&' : '?') + (typeof query === 'string' ? query : qs(query)) : ''}`;
  const res = await fetch(url, { method, headers: h, body: payload });
  const buf = Buffer.from(await res.arrayBuffer());
  const text = buf.toString('utf8');
  let json;
  const ct = res.headers.get('content-type') || '';
  if (ct.includes('json')) {
    try { json = JSON.parse(text); } catch { json = undefined; }
  }
  const out = { status: res.status, headers: res.headers, text, json, body: buf, method, url };
  if (!allow5xx) {
    assert.ok(res.status < 500, `${method} ${url} answered ${res.status} (never a 5xx): ${text.slice(0, 500)}`);
  }
  if (res.status >= 400 && path.startsWith('/k/')) {
    assert.ok(ct.includes('application/json'), `${method} ${path}: error without a JSON content type (${ct}): ${text.slice(0, 300)}`);
    assert.ok(json && typeof json === 'object', `${method} ${path}: error body is not JSON: ${text.slice(0, 300)}`);
  }
  return out;
}

export function describeRes(res) {
  return `${res.method} ${res.url} -> ${res.status} ${res.text.slice(0, 800)}`;
}

/*
 * Asserts kintone's error shape: {code, id, message[, errors]}. `errorKeys`: keys that must
 * appear in `errors` (each {messages:[string...]}); a key given as an array means "any of".
 */
export function assertError(res, status, code, { errorKeys, message } = {}) {
  const d = describeRes(res);
  assert.equal(res.status, status, `status: ${d}`);
  const j = res.json;
  assert.ok(j && typeof j === 'object', `JSON body: ${d}`);
  if (code instanceof RegExp) assert.match(j.code, code, `code: ${d}`);
  else assert.equal(j.code, code, `code: ${d}`);
  assert.equal(typeof j.id, 'string', `id is a string: ${d}`);
  assert.ok(j.id.length > 0, `id not empty: ${d}`);
  assert.equal(typeof j.message, 'string', `message is a string: ${d}`);
  assert.ok(j.message.length > 0, `message not empty: ${d}`);
  if (message) assert.match(j.message, message, `message: ${d}`);
  if (j.errors !== undefined) {
    assert.equal(typeof j.errors, 'object', `errors is an object: ${d}`);
    for (const [k, v] of Object.entries(j.errors)) {
      assert.ok(v && Array.isArray(v.messages) && v.messages.length > 0, `errors[${k}].messages: ${d}`);
      for (const m of v.messages) assert.equal(typeof m, 'string', `errors[${k}].messages[]: ${d}`);
    }
  }
  for (const key of errorKeys || []) {
    const alts = Array.isArray(key) ? key : [key];
    assert.ok(j.errors && alts.some((k) => k in j.errors),
      `errors must have ${alts.join(' or ')}; got ${JSON.stringify(j.errors)}: ${d}`);
  }
  return j;
}

export function assertOk(res, what = '') {
  assert.equal(res.status, 200, `${what} ${describeRes(res)}`);
  return res.json;
}

/* ---------- apps and tokens ---------- */

let appSeq = 0;

/* Creates an app with the given field properties, deploys it, waits for SUCCESS; returns its id. */
export async function createApp(name, properties, opts = {}) {
  const base = opts.base;
  const auth = opts.auth || 'password';
  const created = assertOk(await call('POST', '/k/v1/preview/app.json', { body: { name: `${name} ${process.pid}-${++appSeq}` }, base, auth }), 'create app');
  const app = created.app;
  assert.match(String(app), /^\d+$/, `app id: ${JSON.stringify(created)}`);
  if (properties && Object.keys(properties).length) {
    assertOk(await call('POST', '/k/v1/preview/app/form/fields.json', { body: { app, properties }, base, auth }), 'add fields');
  }
  assertOk(await call('POST', '/k/v1/preview/app/deploy.json', { body: { apps: [{ app }] }, base, auth }), 'deploy');
  const deadline = Date.now() + 60000;
  for (;;) {
    const st = assertOk(await call('GET', '/k/v1/preview/app/deploy.json', { query: { apps: [app] }, base, auth }), 'deploy status');
    const s = st.apps[0].status;
    if (s === 'SUCCESS') break;
    assert.ok(s === 'PROCESSING', `deploy of app ${app} ended ${s}`);
    assert.ok(Date.now() < deadline, `deploy of app ${app} still PROCESSING after 60 s`);
    await sleep(100);
  }
  return String(app);
}

export function run(bin, args, input, { timeout = 60000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(bin, args, { timeout, maxBuffer: 16 << 20, env: process.env }, (err, stdout, stderr) => {
      if (err) {
        err.message += `\n$ ${bin} ${args.join(' ')}\nstdout: ${stdout}\nstderr: ${stderr}`;
        reject(err);
      } else resolve({ stdout, stderr });
    });
    if (input !== undefined) child.stdin.end(input);
  });
}

/* Mints an API token with the CLI against the data dir (and DB) of the running server. */
export async function mintToken(app, perms = ['view'], { data = env.data, db = env.db } = {}) {
  const args = ['token', 'add', '--data', data];
  if (db) args.push('--db', db);
  args.push('--app', String(app), ...perms.map((p) => `--${p}`));
  const { stdout } = await run(env.bin, args);
  const lines = stdout.trim().split('\n');
  const tok = lines[lines.length - 1].trim();
  assert.match(tok, /^\S{16,}$/, `token add printed: ${stdout}`);
  return tok;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* ---------- a private server process ---------- */

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const SANITIZER = /ERROR: AddressSanitizer|runtime error:|LeakSanitizer/;

/*
 * Starts `madoguchi serve` on a fresh SQLite data dir with an admin service account.
 * Returns {url, user, password, proc, log(), stop()} — stop() sends SIGTERM and resolves
 * {code, signal, ms, log}; it asserts nothing, the caller does.
 */
export async function startServer(extraArgs = []) {
  const dir = mkdtempSync(join(tmpdir(), 'mado-e2e-'));
  const data = join(dir, 'data');
  const user = 'e2e-admin';
  const password = 'e2e-password-' + Math.random().toString(36).slice(2);
  await run(env.bin, ['user', 'add', '--data', data, '--login', user, '--password-stdin', '--admin', '--service'], password + '\n');
  let port, proc, logText = '';
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    logText = '';
    proc = spawn(env.bin, ['serve', '--data', data, '--listen', `127.0.0.1:${port}`, ...extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    proc.stdout.on('data', (b) => { logText += b; });
    proc.stderr.on('data', (b) => { logText += b; });
    const exited = new Promise((r) => proc.once('exit', (code, signal) => r({ code, signal })));
    proc.exitedP = exited;
    const ready = await waitReady(`http://localhost:${port}`, exited, 60000);
    if (ready === true) break;
    if (attempt >= 2) throw new Error(`private server did not start: ${ready}\n${logText}`);
  }
  const url = `http://localhost:${port}`;
  return {
    url, user, password, proc, data, dir, port,
    log: () => logText,
    async stop({ timeoutMs = 30000 } = {}) {
      const t0 = Date.now();
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const timer = sleep(timeoutMs).then(() => null);
      let res = await Promise.race([proc.exitedP, timer]);
      if (res === null) {
        proc.kill('SIGKILL');
        res = await proc.exitedP;
        res.timedOut = true;
      }
      res.ms = Date.now() - t0;
      res.log = logText;
      res.sanitizer = SANITIZER.test(logText);
      return res;
    },
    cleanup() { rmSync(dir, { recursive: true, force: true }); },
  };
}

async function waitReady(url, exited, ms) {
  const deadline = Date.now() + ms;
  let exitInfo = null;
  exited.then((x) => { exitInfo = x; });
  while (Date.now() < deadline) {
    if (exitInfo) return `exited ${JSON.stringify(exitInfo)}`;
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.status === 200) return true;
    } catch { /* not yet listening */ }
    await sleep(100);
  }
  return 'timeout';
}

export function assertCleanExit(res, what = 'server') {
  const tail = res.log.split('\n').slice(-40).join('\n');
  assert.ok(!res.timedOut, `${what} did not stop within 30 s of SIGTERM\n${tail}`);
  assert.ok(!res.sanitizer, `${what} log has a sanitizer report\n${res.log.slice(-6000)}`);
  assert.equal(res.signal, null, `${what} died of signal ${res.signal}\n${tail}`);
  assert.equal(res.code, 0, `${what} exit code ${res.code}\n${tail}`);
}


/* ---------- field definitions ---------- */

export function options(...labels) {
  return Object.fromEntries(labels.map((l, i) => [l, { label: l, index: String(i) }]));
}

/* The field set most e2e tests use (kintone's POST preview/app/form/fields.json shape). */
export function basicFields() {
  return {
    title: { type: 'SINGLE_LINE_TEXT', code: 'title', label: 'Title', maxLength: '64', unique: true },
    qty: { type: 'NUMBER', code: 'qty', label: 'Qty', minValue: '0', maxValue: '1000' },
    memo: { type: 'MULTI_LINE_TEXT', code: 'memo', label: 'Memo' },
    checks: { type: 'CHECK_BOX', code: 'checks', label: 'Checks', options: options('a', 'b', 'c') },
    dd: { type: 'DROP_DOWN', code: 'dd', label: 'Drop', options: options('p', 'q') },
    d: { type: 'DATE', code: 'd', label: 'Date' },
    t: { type: 'TIME', code: 't', label: 'Time' },
    dt: { type: 'DATETIME', code: 'dt', label: 'Datetime' },
    items: {
      type: 'SUBTABLE', code: 'items', label: 'Items',
      fields: {
        item_name: { type: 'SINGLE_LINE_TEXT', code: 'item_name', label: 'Name', maxLength: '10' },
        item_qty: { type: 'NUMBER', code: 'item_qty', label: 'Qty' },
      },
    },
  };
}

/* Adds one record with admin auth; returns {id, revision}. */
export async function addRecord(app, record, opts = {}) {
  const res = await call('POST', '/k/v1/record.json', { body: { app, record }, ...opts });
  return assertOk(res, 'add record');
}

export async function getRecord(app, id, opts = {}) {
  return assertOk(await call('GET', '/k/v1/record.json', { query: { app, id }, ...opts }), 'get record').record;
}

export async function queryIds(app, query, opts = {}) {
  const j = assertOk(await call('GET', '/k/v1/records.json', { query: { app, query, fields: ['$id'], totalCount: 'true' }, ...opts }), `query ${query}`);
  return j.records.map((r) => r.$id.value);
}
