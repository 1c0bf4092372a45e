// Helpers of the security suites headers.test.mjs (plain HTTP) and tls.test.mjs (HTTPS,
// HTTP/2): the headers madoguchi adds to every response (src/http/server.c), and a SIGTERM stop
// of a private server that leaves no timer behind (a pending 30 s timer keeps node --test busy).
import assert from 'node:assert/strict';

export const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; " +
  "frame-ancestors 'none'";

export const EXPECTED = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

/*
 * `get(name)` returns the value (comma-joined when repeated, as fetch's Headers does) or null.
 * hsts: the expected Strict-Transport-Security value (null = absent); cacheControl: expected
 * Cache-Control (undefined = not checked).
 */
export function assertSecurityHeaders(get, what, { hsts = null, cacheControl = 'no-store' } = {}) {
  for (const [k, v] of Object.entries(EXPECTED)) assert.equal(get(k), v, `${what}: ${k}`);
  assert.doesNotMatch(get('content-security-policy'), /unsafe-inline|unsafe-eval/, what);
  if (cacheControl !== undefined) assert.equal(get('cache-control'), cacheControl, `${what}: cache-control`);
  assert.equal(get('strict-transport-security'), hsts, `${what}: strict-transport-security`);
}

export const SANITIZER_RE = /ERROR: AddressSanitizer|runtime error:|LeakSanitizer/;

/* Resolves `null` after ms unless cancelled first (a pending timer would keep node alive). */
export function timeout(ms) {
  let t;
  const p = new Promise((r) => { t = setTimeout(() => r(null), ms); });
  return { p, cancel: () => clearTimeout(t) };
}

export function alive(srv) {
  return srv.proc.exitCode === null && srv.proc.signalCode === null;
}

/* SIGTERM; asserts exit 0 within 30 s and no sanitizer report. srv: {proc, exited, text}. */
export async function stopClean(srv, what) {
  if (alive(srv)) srv.proc.kill('SIGTERM');
  const timer = timeout(30000);
  let res = await Promise.race([srv.exited, timer.p]);
  timer.cancel();
  if (res === null) {
    srv.proc.kill('SIGKILL');
    res = { ...(await srv.exited), timedOut: true };
  }
  const tail = srv.text.split('\n').slice(-40).join('\n');
  assert.ok(!res.timedOut, `${what} did not stop within 30 s of SIGTERM\n${tail}`);
  assert.ok(!SANITIZER_RE.test(srv.text), `${what} log has a sanitizer report\n${srv.text.slice(-6000)}`);
  assert.equal(res.signal, null, `${what} died of signal ${res.signal}\n${tail}`);
  assert.equal(res.code, 0, `${what} exit code ${res.code}\n${tail}`);
}
