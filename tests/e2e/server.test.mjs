// End-to-end on private server processes (own SQLite data dir, own port): the server-wide body
// limit (--max-body-mb 1 → 413 with kintone error JSON) and graceful shutdown (SIGTERM lets a
// request in flight complete, refuses new connections, exits 0 within 30 s with no sanitizer
// report). Uses the same binary as the shared server (MADOGUCHI_BIN).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import {
  call, assertError, assertOk, createApp, startServer, assertCleanExit, basicAuth, sleep, env,
} from './lib.mjs';

test('--max-body-mb 1: bodies over 1 MB get 413 with error JSON; the server stays up', async (t) => {
  const srv = await startServer(['--max-body-mb', '1']);
  t.after(() => srv.cleanup());
  try {
    const auth = { user: srv.user, password: srv.password };
    const o = { base: srv.url, auth };
    const app = await createApp('e2e limit', { memo: { type: 'MULTI_LINE_TEXT', code: 'memo', label: 'memo' } }, o);
    // just under the limit works
    const under = JSON.stringify({ app, record: { memo: { value: 'x'.repeat(1024 * 1024 - 200) } } });
    assert.ok(Buffer.byteLength(under) <= 1024 * 1024);
    assertOk(await call('POST', '/k/v1/record.json', { ...o, raw: under, headers: { 'Content-Type': 'application/json' } }));
    // over it: JSON route (Content-Length known)
    const over = JSON.stringify({ app, record: { memo: { value: 'x'.repeat(1536 * 1024) } } });
    assertError(await call('POST', '/k/v1/record.json', { ...o, raw: over, headers: { 'Content-Type': 'application/json' } }), 413, /^[A-Z]+_[A-Z0-9]+$/);
    // over it: file upload
    const b = 'bnd413';
    const mp = Buffer.concat([
      Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      Buffer.alloc(3 * 1024 * 1024, 7),
      Buffer.from(`\r\n--${b}--\r\n`),
    ]);
    assertError(await call('POST', '/k/v1/file.json', { ...o, raw: mp, headers: { 'Content-Type': `multipart/form-data; boundary=${b}` } }), 413, /^[A-Z]+_[A-Z0-9]+$/);
    // over it with chunked transfer encoding (no Content-Length)
    const chunked = await rawRequest(srv.port, 'POST', '/k/v1/record.json', auth, [over.slice(0, 700000), over.slice(700000)]);
    assert.match(chunked, /^HTTP\/1\.1 413/, chunked.slice(0, 300));
    // and the server still answers
    assertOk(await call('GET', '/k/v1/records.json', { ...o, query: { app } }));
  } catch (e) {
    const exit = await srv.stop();
    e.message += `\n(limit server then exited code=${exit.code} signal=${exit.signal}${exit.sanitizer ? ', WITH a sanitizer report' : ''})`;
    throw e;
  }
  assertCleanExit(await srv.stop(), 'limit server');
});

/* Sends a chunked request with the given chunks; resolves the raw response text. */
function rawRequest(port, method, path, auth, chunks) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let out = '';
    s.on('data', (d) => { out += d.toString('latin1'); });
    s.on('error', () => resolve(out));
    s.on('close', () => resolve(out));
    s.on('connect', () => {
      s.write(`${method} ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n` +
        `X-Cybozu-Authorization: ${basicAuth(auth.user, auth.password)['X-Cybozu-Authorization']}\r\nConnection: close\r\n\r\n`);
      for (const c of chunks) {
        const buf = Buffer.from(c);
        s.write(`${buf.length.toString(16)}\r\n`);
        s.write(buf);
        s.write('\r\n');
      }
      s.write('0\r\n\r\n');
    });
    setTimeout(() => { s.destroy(); resolve(out); }, 20000);
  });
}

function postHead(path, len, srv) {
  return `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${len}\r\n` +
    `X-Cybozu-Authorization: ${basicAuth(srv.user, srv.password)['X-Cybozu-Authorization']}\r\nConnection: close\r\n\r\n`;
}

/* GET on a fresh connection: 'refused' / 'reset' / 'closed' / the status line's code. */
function rawGet(port, path) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let out = '';
    const t = setTimeout(() => { s.destroy(); resolve(out ? out.slice(9, 12) : 'no answer'); }, 5000);
    s.on('connect', () => s.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`));
    s.on('data', (d) => { out += d.toString('latin1'); });
    s.on('error', (e) => { clearTimeout(t); resolve(e.code === 'ECONNREFUSED' ? 'refused' : e.code || 'error'); });
    s.on('close', () => { clearTimeout(t); resolve(out ? out.slice(9, 12) : 'closed'); });
  });
}

/* A heavy bulkRequest: 20 × 100 records with text fields. */
function heavyBulk(app, tag, memoChars) {
  const memo = '申請内容'.repeat(Math.ceil(memoChars / 4)).slice(0, memoChars);
  const requests = [];
  for (let k = 0; k < 20; k++) {
    requests.push({
      method: 'POST', api: '/k/v1/records.json',
      payload: { app, records: Array.from({ length: 100 }, (_, i) => ({ title: { value: `${tag}-${k}-${i}` }, memo: { value: memo } })) },
    });
  }
  return JSON.stringify({ requests });
}

/* Writes a whole request on a raw socket; resolves {text, at} once the server closes or answers fully. */
function sendRaw(port, head, body, { split } = {}) {
  const s = net.connect({ host: '127.0.0.1', port });
  let out = '';
  let firstByteAt = null;
  const done = new Promise((resolve) => {
    s.on('data', (d) => { if (firstByteAt === null) firstByteAt = Date.now(); out += d.toString('utf8'); });
    s.on('error', (e) => resolve({ text: out, at: firstByteAt, error: e.code }));
    s.on('close', () => resolve({ text: out, at: firstByteAt }));
  });
  const sent = new Promise((resolve) => {
    s.on('connect', () => {
      if (split === undefined) s.write(head + body, () => resolve());
      else s.write(head + body.slice(0, split), () => resolve());
    });
  });
  return { sock: s, done, sent, rest: () => s.write(body.slice(split)) };
}

test('SIGTERM: a request in flight completes, new connections are refused, exit 0', async (t) => {
  // The heavy request must still be running when SIGTERM arrives; if this machine is so fast
  // that it finished first, retry with a bigger one (the test proves nothing otherwise).
  let memoChars = 400;
  for (let attempt = 0; attempt < 3; attempt++, memoChars *= 4) {
    const srv = await startServer();
    t.after(() => srv.cleanup());
    const auth = { user: srv.user, password: srv.password };
    const app = await createApp('e2e shutdown', {
      title: { type: 'SINGLE_LINE_TEXT', code: 'title', label: 'title' },
      memo: { type: 'MULTI_LINE_TEXT', code: 'memo', label: 'memo' },
    }, { base: srv.url, auth });
    const body = heavyBulk(app, 'sd', memoChars);
    const heavy = sendRaw(srv.port, postHead('/k/v1/bulkRequest.json', Buffer.byteLength(body), srv), body);
    await heavy.sent;
    await sleep(150);
    const killedAt = Date.now();
    const stopping = srv.stop();
    await sleep(300);
    // a NEW connection after SIGTERM must not be served (refused, reset or closed unanswered);
    // a raw socket, because fetch would reuse an idle keep-alive connection from createApp
    const late = await rawGet(srv.port, '/healthz');
    const hr = await heavy.done;
    const exit = await stopping;
    const tail = exit.log.split('\n').slice(-20).join('\n');
    assert.match(hr.text, /^HTTP\/1\.1 200/, `in-flight bulkRequest after SIGTERM: ${hr.text.slice(0, 400)} ${hr.error || ''}\n${tail}`);
    const json = JSON.parse(hr.text.slice(hr.text.indexOf('\r\n\r\n') + 4));
    assert.equal(json.results.length, 20);
    assert.equal(json.results[19].ids.length, 100);
    if (hr.at !== null && hr.at < killedAt) {
      assertCleanExit(exit, 'shutdown server');
      t.diagnostic(`attempt ${attempt}: the request finished before SIGTERM (${killedAt - hr.at} ms early); retrying with a bigger body`);
      continue;
    }
    t.diagnostic(`in-flight request answered ${hr.at - killedAt} ms after SIGTERM; server exited after ${exit.ms} ms; late connection: ${late}`);
    assert.notEqual(late, '200', 'a NEW connection opened 300 ms after SIGTERM was accepted and served');
    assertCleanExit(exit, 'shutdown server');
    return;
  }
  t.skip('could not catch a request in flight on this machine');
});

test('SIGTERM: a request still uploading its body when the signal comes completes too', async (t) => {
  const srv = await startServer();
  t.after(() => srv.cleanup());
  const app = await createApp('e2e shutdown upload', {
    title: { type: 'SINGLE_LINE_TEXT', code: 'title', label: 'title' },
    memo: { type: 'MULTI_LINE_TEXT', code: 'memo', label: 'memo' },
  }, { base: srv.url, auth: { user: srv.user, password: srv.password } });
  const small = JSON.stringify({ app, record: { title: { value: 'uploading-during-sigterm' }, memo: { value: 'x'.repeat(20000) } } });
  // headers and the first 5,000 bytes of the body now; the rest 300 ms after SIGTERM
  const up = sendRaw(srv.port, postHead('/k/v1/record.json', Buffer.byteLength(small), srv), small, { split: 5000 });
  await up.sent;
  await sleep(200);
  const stopping = srv.stop();
  await sleep(300);
  up.rest();
  const ur = await up.done;
  const exit = await stopping;
  const problems = [];
  if (!/^HTTP\/1\.1 200/.test(ur.text)) problems.push(`the request got ${JSON.stringify(ur.text.slice(0, 200))} ${ur.error || ''} (server exited ${exit.ms} ms after SIGTERM)`);
  try { assertCleanExit(exit, 'shutdown server'); } catch (e) { problems.push(e.message.slice(0, 3000)); }
  assert.deepEqual(problems, []);
});

test('HEAD: headers of the GET with its Content-Length, no body; keep-alive framing intact', async () => {
  const { hostname, port } = new URL(env.url);
  const text = await new Promise((resolve, reject) => {
    const sock = net.connect(Number(port), hostname === 'localhost' ? '127.0.0.1' : hostname);
    let got = '';
    sock.setEncoding('latin1');
    sock.on('data', (d) => {
      got += d;
      if ((got.match(/HTTP\/1\.1 /g) || []).length === 2 && got.endsWith('{"status":"ok"}')) sock.end();
    });
    sock.on('end', () => resolve(got));
    sock.on('error', reject);
    setTimeout(() => { sock.destroy(); resolve(got); }, 5000);
    sock.write('HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  });
  const [head, get] = text.split(/(?=HTTP\/1\.1 )/);
  assert.match(head, /^HTTP\/1\.1 200/);
  assert.match(head, /content-length: 15\r\n/i);
  assert.ok(head.endsWith('\r\n\r\n'), `HEAD answer carries a body: ${JSON.stringify(head.slice(-40))}`);
  assert.match(get, /^HTTP\/1\.1 200[\s\S]*\r\n\r\n\{"status":"ok"\}$/);
});
