// End-to-end: the security headers the server adds to every response over plain HTTP — the
// handlers' answers (200, 404, 401) and h2o's own early 413 (body over --max-body-mb, with
// Content-Length and chunked) alike — and never HSTS without TLS. A handler's own header of the
// same name (the attachment download's X-Content-Type-Options) is not doubled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { call, assertOk, assertError, startServer, basicAuth } from './lib.mjs';
import { assertSecurityHeaders, stopClean } from './sec_lib.mjs';

const check = (res, what, opts) => assertSecurityHeaders((k) => res.headers.get(k), `${what} (${res.status})`, opts);

test('200 /healthz carries the security headers, Cache-Control no-store, no HSTS', async () => {
  const res = await call('GET', '/healthz', { auth: null });
  assert.equal(res.status, 200);
  check(res, 'GET /healthz');
});

test('404 for an unknown path carries them', async () => {
  for (const p of ['/no/such/path', '/k/v1/no-such-api.json']) {
    const res = await call('GET', p, { auth: null });
    assert.equal(res.status, 404, p);
    check(res, `GET ${p}`);
  }
});

test('401 from the API without credentials carries them', async () => {
  const res = await call('GET', '/k/v1/records.json', { auth: null, query: { app: 1 } });
  assertError(res, 401, /^[A-Z]+_[A-Z0-9]+$/);
  check(res, 'GET records.json without auth');
});

test("a handler's own X-Content-Type-Options is not doubled (attachment download)", async () => {
  const b = 'hdrboundary';
  const mp = `--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n` +
    `Content-Type: text/plain\r\n\r\nhello\r\n--${b}--\r\n`;
  const upRes = await call('POST', '/k/v1/file.json', { raw: mp, headers: { 'Content-Type': `multipart/form-data; boundary=${b}` } });
  const up = assertOk(upRes, 'upload');
  check(upRes, 'POST file.json');
  const res = await call('GET', '/k/v1/file.json', { query: { fileKey: up.fileKey } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.text, 'hello');
  check(res, 'GET file.json');
});

test("413 from h2o itself (body over --max-body-mb) carries them", async (t) => {
  const srv = await startServer(['--max-body-mb', '1']);
  t.after(() => srv.cleanup());
  const view = { proc: srv.proc, exited: srv.proc.exitedP, get text() { return srv.log(); } };
  try {
    const o = { base: srv.url, auth: { user: srv.user, password: srv.password } };
    const over = JSON.stringify({ app: 1, record: { memo: { value: 'x'.repeat(1536 * 1024) } } });
    const res = await call('POST', '/k/v1/record.json', { ...o, raw: over, headers: { 'Content-Type': 'application/json' } });
    assertError(res, 413, /^[A-Z]+_[A-Z0-9]+$/);
    check(res, 'POST over the limit (Content-Length)');
    // chunked: the limit is found while reading; parse the raw answer's head
    const raw = await chunkedPost(srv.port, '/k/v1/record.json', srv, [over.slice(0, 700000), over.slice(700000)]);
    assert.match(raw, /^HTTP\/1\.1 413/, raw.slice(0, 300));
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
    const hs = new Map();
    for (const line of head.split('\r\n').slice(1)) {
      const i = line.indexOf(':');
      const k = line.slice(0, i).trim().toLowerCase();
      const v = line.slice(i + 1).trim();
      hs.set(k, hs.has(k) ? `${hs.get(k)}, ${v}` : v);
    }
    assertSecurityHeaders((k) => (hs.has(k) ? hs.get(k) : null), 'POST over the limit (chunked)');
  } finally {
    await stopClean(view, 'limit server');
  }
});

function chunkedPost(port, path, auth, chunks) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let out = '';
    s.on('data', (d) => { out += d.toString('latin1'); });
    s.on('error', () => resolve(out));
    s.on('close', () => resolve(out));
    s.on('connect', () => {
      s.write(`POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n` +
        `X-Cybozu-Authorization: ${basicAuth(auth.user, auth.password)['X-Cybozu-Authorization']}\r\nConnection: close\r\n\r\n`);
      for (const c of chunks) {
        const buf = Buffer.from(c);
        s.write(`${buf.length.toString(16)}\r\n`);
        s.write(buf);
        s.write('\r\n');
      }
      s.write('0\r\n\r\n');
    });
  });
}
