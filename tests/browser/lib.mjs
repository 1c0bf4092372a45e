// Shared by the browser tests: a real madoguchi server in a temporary data directory, a local
// SMTP server that keeps every message, Debian's chromium through playwright-core, and an
// axe-core check (WCAG 2.1 A and AA) of the page a test is on.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
export const BIN = process.env.MADOGUCHI_BIN || join(root, 'build', 'madoguchi-asan');
const AXE = readFileSync(join(here, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

/* A loopback SMTP server without authentication; mails[] holds {to, raw} in arrival order. */
export async function startSmtp() {
  const mails = [];
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, session, cb) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (d) => { raw += d; });
      stream.on('end', () => { mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw }); cb(); });
    },
  });
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, mails, close: () => new Promise((r) => server.close(r)) };
}

/* The text body of a MIME message (base64 or 8bit single part). */
export function mailText(raw) {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  if (/content-transfer-encoding:\s*base64/i.test(head)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

export async function waitFor(fn, what, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/* Starts the server; env adds MADOGUCHI_<SECTION>_<KEY> settings. */
export async function startServer(env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mado-browser-'));
  const port = await freePort();
  const log = [];
  const child = spawn(BIN, ['serve', '--data', join(dir, 'data'), '--listen', `127.0.0.1:${port}`], {
    env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => log.push(String(d)));
  child.stderr.on('data', (d) => log.push(String(d)));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    try { return (await fetch(`${url}/readyz`)).ok; } catch { return false; }
  }, 'the server');
  return {
    url, dir, log,
    cli(args, input) {
      return execFileSync(BIN, [...args, '--data', join(dir, 'data')], { input, env: { ...process.env, ...env } }).toString();
    },
    async stop() {
      child.kill('SIGTERM');
      const code = await new Promise((r) => child.on('exit', (c) => r(c)));
      rmSync(dir, { recursive: true, force: true });
      const text = log.join('');
      if (code !== 0 || /Sanitizer|runtime error/.test(text)) throw new Error(`server exit ${code}\n${text.slice(-4000)}`);
    },
  };
}

export async function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
}

/* axe-core on the current page; returns the violations of WCAG 2.0/2.1 A and AA. A page
 * whose context runs no JavaScript is checked as rendered: its HTML is loaded into a
 * JavaScript-enabled page of the same origin (same CSS), where axe runs. */
export async function axe(page, { js = true } = {}) {
  return js ? axeHere(page) : axeHtml(page);
}

async function axeHtml(page) {
  const html = await page.content();
  const origin = new URL(page.url()).origin;
  const ctx = await page.context().browser().newContext({ javaScriptEnabled: true });
  const p2 = await ctx.newPage();
  await p2.route(`${origin}/__axe__`, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
  await p2.goto(`${origin}/__axe__`);
  const v = await axeHere(p2);
  await ctx.close();
  return v;
}

async function axeHere(page) {
  await page.addScriptTag({ content: AXE }).catch(async () => {
    // the page's CSP forbids inline scripts: evaluate through the devtools protocol instead
    await page.evaluate(AXE);
  });
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
}

/* A JSON call of the server's API as the service account whose X-Cybozu-Authorization value is
 * auth; throws with the status and answer unless it succeeds. */
export async function adminCall(server, auth, method, path, body) {
  const res = await fetch(`${server.url}${path}`, {
    method, headers: { 'X-Cybozu-Authorization': auth, 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/* The date n days from today in Japan, YYYY-MM-DD. */
export function dayPlus(n) {
  return new Date(Date.now() + 9 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
}
