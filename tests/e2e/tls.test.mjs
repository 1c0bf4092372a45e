// End-to-end HTTPS on a private server process started with --tls-cert/--tls-key (throwaway
// self-signed EC P-256 certificates made with the openssl CLI at test time, CN/SAN localhost):
// HTTPS and the security headers plus HSTS; ALPN h2 over node:http2; TLS 1.1 refused while
// TLS 1.2 works; SIGHUP swaps the certificate for new connections while an open HTTP/2
// connection keeps working; a SIGHUP with a broken or mismatched key keeps the previous
// certificate; start-up with a missing or bad certificate exits non-zero naming the file;
// SIGHUP without TLS only logs. Every server must stop cleanly on SIGTERM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { env, freePort, sleep, startServer } from './lib.mjs';
import { alive, assertSecurityHeaders, stopClean, timeout, SANITIZER_RE } from './sec_lib.mjs';

const HOST = '127.0.0.1';
const SERVERNAME = 'localhost';
const HSTS = 'max-age=600; includeSubDomains';

let dir;

/* A fresh self-signed certificate and key in dir: {cert, key, pem, fingerprint}. */
function makeCert(name, cn = SERVERNAME) {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
    '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${cn}`,
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'pipe' });
  const pem = readFileSync(cert);
  return { cert, key, pem, keyPem: readFileSync(key), fingerprint: new X509Certificate(pem).fingerprint256 };
}

/* Spawns `madoguchi serve` with the given TLS arguments; does not wait. */
function spawnServer(args, port) {
  const data = mkdtempSync(join(dir, 'data-'));
  const proc = spawn(env.bin, ['serve', '--data', data, '--listen', `${HOST}:${port}`, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'], env: process.env,
  });
  const srv = { proc, port, text: '' };
  proc.stdout.on('data', (b) => { srv.text += b; });
  proc.stderr.on('data', (b) => { srv.text += b; });
  srv.exited = new Promise((r) => proc.once('exit', (code, signal) => r({ code, signal })));
  return srv;
}

/* One HTTPS/1.1 request: {status, headers, body}. ca: trust exactly this PEM (else no check). */
function httpsGet(port, path, { ca } = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: HOST, port, path, servername: SERVERNAME, agent: false,
      ...(ca ? { ca } : { rejectUnauthorized: false }),
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/* The certificate fingerprint a new connection is offered. */
function peerFingerprint(port) {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: HOST, port, servername: SERVERNAME, rejectUnauthorized: false }, () => {
      const fp = s.getPeerCertificate().fingerprint256;
      s.end();
      resolve(fp);
    });
    s.on('error', reject);
  });
}

/* Outcome of a handshake limited to the given versions: {ok, protocol} or {ok: false, error}. */
function handshake(port, minVersion, maxVersion) {
  return new Promise((resolve) => {
    const s = tls.connect({
      host: HOST, port, servername: SERVERNAME, rejectUnauthorized: false, minVersion, maxVersion,
      // let this client offer old versions at all (OpenSSL 3 refuses them by default)
      ciphers: 'DEFAULT:@SECLEVEL=0',
    }, () => {
      const protocol = s.getProtocol();
      s.end();
      resolve({ ok: true, protocol });
    });
    s.on('error', (error) => resolve({ ok: false, error }));
  });
}

function h2get(session, path) {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':path': path });
    let headers;
    const chunks = [];
    req.on('response', (h) => { headers = h; });
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve({ status: headers[':status'], headers, body: Buffer.concat(chunks).toString() }));
    req.on('error', reject);
    req.end();
  });
}

function h2connect(port, ca) {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`https://${HOST}:${port}`, { ca, servername: SERVERNAME });
    session.once('connect', () => resolve(session));
    session.once('error', reject);
  });
}

/* Waits until the server log has more than `count` matches of re (or the server dies). */
async function waitLog(srv, re, count, what) {
  const g = new RegExp(re.source, 'g');
  const deadline = Date.now() + 60000;
  for (;;) {
    const n = (srv.text.match(g) || []).length;
    if (n > count) return;
    assert.ok(alive(srv), `server exited while waiting for ${what}\n${srv.text.slice(-3000)}`);
    assert.ok(Date.now() < deadline, `no log line for ${what} within 60 s\n${srv.text.slice(-3000)}`);
    await sleep(50);
  }
}

const countOf = (srv, re) => (srv.text.match(new RegExp(re.source, 'g')) || []).length;

/* ---- the HTTPS server shared by the tests below ---------------------------------------- */

let c1, c2, c3, live, srv;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mado-tls-'));
  c1 = makeCert('first');
  c2 = makeCert('second');
  c3 = makeCert('third');
  // the files the server is configured with; the reload tests overwrite them
  live = { cert: join(dir, 'live.crt'), key: join(dir, 'live.key') };
  writeFileSync(live.cert, c1.pem);
  writeFileSync(live.key, c1.keyPem, { mode: 0o600 });
  for (let attempt = 0; ; attempt++) {
    srv = spawnServer(['--tls-cert', live.cert, '--tls-key', live.key, '--hsts-max-age', '600'], await freePort());
    const deadline = Date.now() + 60000;
    let up = false;
    while (alive(srv) && Date.now() < deadline && !up) {
      try {
        up = (await httpsGet(srv.port, '/readyz')).status === 200;
      } catch { /* not listening yet */ }
      if (!up) await sleep(100);
    }
    if (up) break;
    if (alive(srv)) srv.proc.kill('SIGKILL');
    await srv.exited;
    if (attempt >= 2) throw new Error(`HTTPS server did not start\n${srv.text}`);
  }
});

after(async () => {
  try {
    if (srv) await stopClean(srv, 'HTTPS server');
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

test('HTTPS GET /healthz with the certificate verified for localhost; security headers and HSTS', async () => {
  const res = await httpsGet(srv.port, '/healthz', { ca: c1.pem });
  assert.equal(res.status, 200, res.body);
  assert.deepEqual(JSON.parse(res.body), { status: 'ok' });
  assertSecurityHeaders((k) => res.headers[k] ?? null, 'HTTPS /healthz', { hsts: HSTS });
  const nf = await httpsGet(srv.port, '/no/such/path', { ca: c1.pem });
  assert.equal(nf.status, 404);
  assertSecurityHeaders((k) => nf.headers[k] ?? null, 'HTTPS 404', { hsts: HSTS });
});

test('ALPN negotiates h2; HTTP/2 responses carry the headers (lower-case names) and HSTS', async () => {
  const session = await h2connect(srv.port, c1.pem);
  try {
    assert.equal(session.alpnProtocol, 'h2');
    const res = await h2get(session, '/healthz');
    assert.equal(res.status, 200, res.body);
    assertSecurityHeaders((k) => res.headers[k] ?? null, 'h2 /healthz', { hsts: HSTS });
    // a handler's own header (X-Cybozu-Error, set in mixed case) arrives valid over HTTP/2
    const err = await h2get(session, '/k/v1/records.json?app=1');
    assert.equal(err.status, 401, err.body);
    assert.match(err.headers['x-cybozu-error'], /^[A-Z]+_[A-Z0-9]+$/);
    assertSecurityHeaders((k) => err.headers[k] ?? null, 'h2 401', { hsts: HSTS });
  } finally {
    session.close();
  }
});

test('TLS 1.1 is refused; TLS 1.2 and 1.3 work', async () => {
  const old = await handshake(srv.port, 'TLSv1', 'TLSv1.1');
  assert.equal(old.ok, false, `TLS 1.1 handshake succeeded (${old.protocol})`);
  assert.notEqual(old.error.code, 'ERR_SSL_NO_PROTOCOLS_AVAILABLE', 'the client did not even offer TLS 1.1');
  const v12 = await handshake(srv.port, 'TLSv1.2', 'TLSv1.2');
  assert.deepEqual(v12, { ok: true, protocol: 'TLSv1.2' });
  const v13 = await handshake(srv.port, 'TLSv1.3', 'TLSv1.3');
  assert.deepEqual(v13, { ok: true, protocol: 'TLSv1.3' });
});

test('SIGHUP: new connections get the new certificate; an open HTTP/2 connection keeps working', async () => {
  assert.equal(await peerFingerprint(srv.port), c1.fingerprint);
  const open = await h2connect(srv.port, c1.pem);
  try {
    assert.equal((await h2get(open, '/healthz')).status, 200);
    writeFileSync(live.cert, c2.pem);
    writeFileSync(live.key, c2.keyPem);
    const n = countOf(srv, /TLS: reloaded certificate/);
    srv.proc.kill('SIGHUP');
    await waitLog(srv, /TLS: reloaded certificate/, n, 'the reload');
    assert.ok(alive(srv), 'the server must survive SIGHUP');
    assert.equal(await peerFingerprint(srv.port), c2.fingerprint, 'new connection after the reload');
    const res = await httpsGet(srv.port, '/healthz', { ca: c2.pem });
    assert.equal(res.status, 200);
    // the connection made before the reload still serves requests
    assert.equal((await h2get(open, '/healthz')).status, 200);
  } finally {
    open.close();
  }
});

test('SIGHUP with a broken or mismatched key keeps the previous certificate', async () => {
  assert.equal(await peerFingerprint(srv.port), c2.fingerprint);
  for (const [what, key] of [['garbage key', 'not a PEM key\n'], ['key of another certificate', c1.keyPem]]) {
    writeFileSync(live.cert, c3.pem);
    writeFileSync(live.key, key);
    const n = countOf(srv, /TLS: reload failed/);
    srv.proc.kill('SIGHUP');
    await waitLog(srv, /TLS: reload failed/, n, `the failed reload (${what})`);
    assert.ok(alive(srv), `the server must survive a failed reload (${what})`);
    assert.match(srv.text, new RegExp(`TLS: .*${live.key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), `the log names the key file (${what})`);
    assert.equal(await peerFingerprint(srv.port), c2.fingerprint, `still the previous certificate (${what})`);
    assert.equal((await httpsGet(srv.port, '/healthz', { ca: c2.pem })).status, 200);
  }
  // and a good pair afterwards is taken again
  writeFileSync(live.key, c3.keyPem);
  const n = countOf(srv, /TLS: reloaded certificate/);
  srv.proc.kill('SIGHUP');
  await waitLog(srv, /TLS: reloaded certificate/, n, 'the reload of the third certificate');
  assert.equal(await peerFingerprint(srv.port), c3.fingerprint);
});

/* ---- start-up failures and SIGHUP without TLS (own processes) ---------------------------- */

async function startupFailure(args) {
  const s = spawnServer(args, await freePort());
  const timer = timeout(60000);
  const res = await Promise.race([s.exited, timer.p]);
  timer.cancel();
  if (res === null) {
    s.proc.kill('SIGKILL');
    await s.exited;
    assert.fail(`server with ${args.join(' ')} kept running\n${s.text}`);
  }
  assert.ok(!SANITIZER_RE.test(s.text), `sanitizer report\n${s.text}`);
  return { ...res, text: s.text };
}

test('start-up with a missing certificate, a broken key or a mismatched key fails, naming the file', async () => {
  const missing = join(dir, 'does-not-exist.crt');
  let r = await startupFailure(['--tls-cert', missing, '--tls-key', c1.key]);
  assert.ok(r.code !== 0 && r.code !== null, `exit code ${r.code} signal ${r.signal}\n${r.text}`);
  assert.ok(r.text.includes(missing), `message names ${missing}: ${r.text}`);
  assert.match(r.text, /No such file or directory/);

  const broken = join(dir, 'broken.key');
  writeFileSync(broken, 'garbage\n');
  r = await startupFailure(['--tls-cert', c1.cert, '--tls-key', broken]);
  assert.ok(r.code !== 0 && r.code !== null, `exit code ${r.code}\n${r.text}`);
  assert.ok(r.text.includes(broken), `message names ${broken}: ${r.text}`);

  r = await startupFailure(['--tls-cert', c1.cert, '--tls-key', c2.key]);
  assert.ok(r.code !== 0 && r.code !== null, `exit code ${r.code}\n${r.text}`);
  assert.ok(r.text.includes(c2.key), `message names ${c2.key}: ${r.text}`);
  assert.match(r.text, /mismatch|does not match/);

  r = await startupFailure(['--tls-cert', c1.cert]);
  assert.ok(r.code !== 0 && r.code !== null, `only --tls-cert: exit code ${r.code}\n${r.text}`);
  assert.match(r.text, /tls_cert and tls_key/);
});

test('SIGHUP without TLS logs that there is nothing to reload and the server keeps serving', async (t) => {
  const plain = await startServer();
  t.after(() => plain.cleanup());
  const view = { proc: plain.proc, exited: plain.proc.exitedP, get text() { return plain.log(); } };
  try {
    plain.proc.kill('SIGHUP');
    const deadline = Date.now() + 60000;
    while (!/nothing to reload/.test(plain.log())) {
      assert.ok(plain.proc.exitCode === null && plain.proc.signalCode === null, `server died on SIGHUP\n${plain.log()}`);
      assert.ok(Date.now() < deadline, `no 'nothing to reload' log line\n${plain.log()}`);
      await sleep(50);
    }
    const h = await fetch(`${plain.url}/healthz`);
    assert.equal(h.status, 200);
    assert.equal(h.headers.get('strict-transport-security'), null);
  } finally {
    await stopClean(view, 'plain server');
  }
});
