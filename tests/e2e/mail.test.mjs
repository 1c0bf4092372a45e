// End-to-end mail delivery: a tiny SMTP server on loopback (the npm package smtp-server from
// tests/compat/node_modules) and a private madoguchi server configured with [mail] flags
// (smtp_url, from, AUTH user/password, max_attempts 2, retry_base_seconds 1). Messages are
// queued with `madoguchi mail test` against the server's data directory; the sender thread
// delivers them. Checks: the message arrives once, after AUTH, with the right envelope and
// headers, the subject as UTF-8 encoded-words (lines ≤ 76) and a base64 UTF-8 body; the
// delivery state shows "sent" in GET /admin/api/mail.json; a refused RCPT is retried once
// (backoff) and then marked failed with the server's reply in lastError; the retry API queues
// it again; starttls=required refuses a server that offers no STARTTLS. Both servers must
// stop cleanly on SIGTERM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { call, run, sleep, startServer, env, assertCleanExit } from './lib.mjs';

const require = createRequire(new URL('../compat/package.json', import.meta.url));
const { SMTPServer } = require('smtp-server');

const FROM = 'noreply@city.example.jp';
const SUBJECT = '【窓口】申請を受け付けました（受付番号 R7-000123）内容をご確認ください';
const BODY = '山田 太郎 様\n\nお申し込みありがとうございます。\n受付番号: R7-000123\n添付: 住民票.pdf\n';

const received = []; // {from, to, auth, raw}
const rcptTries = new Map();
let smtp, smtpPort, srv;

function startSmtp() {
  return new Promise((resolve, reject) => {
    const s = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authOptional: true,
      logger: false,
      onAuth(auth, session, cb) {
        if (auth.username === 'mailer' && auth.password === 'mail-secret') cb(null, { user: auth.username });
        else cb(new Error('535 authentication failed'));
      },
      onRcptTo(address, session, cb) {
        const a = address.address;
        rcptTries.set(a, (rcptTries.get(a) || 0) + 1);
        if (a.startsWith('refuse')) {
          const err = new Error('No such user here');
          err.responseCode = 550;
          cb(err);
        } else cb();
      },
      onData(stream, session, cb) {
        const chunks = [];
        stream.on('data', (c) => chunks.push(c));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((r) => r.address),
            auth: session.user,
            raw: Buffer.concat(chunks).toString('latin1'),
          });
          cb();
        });
      },
    });
    s.on('error', () => {});
    s.listen(0, '127.0.0.1', () => resolve(s));
    s.server.once('error', reject);
  });
}

const admin = () => ({ base: srv.url, auth: { user: srv.user, password: srv.password } });

async function queue(server, to, extra = []) {
  const { stdout } = await run(env.bin, ['mail', 'test', '--data', server.data, '--to', to, ...extra]);
  return stdout.trim();
}

async function waitFor(fn, what, ms = 30000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${srv.log().slice(-3000)}`);
    await sleep(200);
  }
}

async function message(server, id) {
  const r = await call('GET', '/admin/api/mail.json', { base: server.url, auth: { user: server.user, password: server.password } });
  assert.equal(r.status, 200, r.text);
  return r.json.messages.find((m) => m.id === id);
}

before(async () => {
  smtp = await startSmtp();
  smtpPort = smtp.server.address().port;
  srv = await startServer(['--mail-smtp-url', `smtp://127.0.0.1:${smtpPort}`, '--mail-from', FROM,
    '--mail-user', 'mailer', '--mail-password', 'mail-secret', '--mail-max-attempts', '2',
    '--mail-retry-base-seconds', '1', '--mail-timeout-seconds', '10']);
});

after(async () => {
  if (srv) {
    const res = await srv.stop();
    assertCleanExit(res, 'mail server');
    assert.ok(!res.log.includes('mail-secret'), 'the SMTP password never appears in the log');
    srv.cleanup();
  }
  if (smtp) await new Promise((r) => smtp.close(r));
});

function decodeSubject(headers) {
  const m = headers.match(/\r\nSubject:((?:[^\r]*)(?:\r\n [^\r]*)*)\r\n/);
  assert.ok(m, 'Subject header');
  const words = [...m[1].matchAll(/=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=/g)];
  assert.ok(words.length > 1, 'a long subject is split into several encoded-words');
  return Buffer.concat(words.map((w) => Buffer.from(w[1], 'base64'))).toString('utf8');
}

test('a queued message arrives with the right headers and a UTF-8 body', async () => {
  const id = await queue(srv, 'taro@example.jp', ['--subject', SUBJECT, '--body', BODY]);
  assert.match(id, /^\d+$/);
  const got = await waitFor(() => received.find((x) => x.to.includes('taro@example.jp')), 'delivery');
  assert.equal(got.from, FROM);
  assert.deepEqual(got.to, ['taro@example.jp']);
  assert.equal(got.auth, 'mailer', 'AUTH with [mail] user/password');
  const raw = got.raw;
  const split = raw.indexOf('\r\n\r\n');
  assert.ok(split > 0);
  const headers = '\r\n' + raw.slice(0, split + 2);
  for (const line of raw.split('\r\n')) assert.ok(line.length <= 76, `line too long: ${line}`);
  assert.ok(!/[^\r]\n/.test(raw), 'only CRLF line ends');
  assert.match(headers, /\r\nFrom: noreply@city\.example\.jp\r\n/);
  assert.match(headers, /\r\nTo: taro@example\.jp\r\n/);
  assert.match(headers, /\r\nDate: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d \+0900\r\n/);
  assert.match(headers, /\r\nMessage-ID: <[0-9a-f]+@city\.example\.jp>\r\n/);
  assert.match(headers, /\r\nMIME-Version: 1\.0\r\n/);
  assert.match(headers, /\r\nContent-Type: text\/plain; charset=UTF-8\r\n/);
  assert.match(headers, /\r\nContent-Transfer-Encoding: base64\r\n/);
  assert.equal(decodeSubject(headers), SUBJECT);
  const body = Buffer.from(raw.slice(split + 4).replace(/\r\n/g, ''), 'base64').toString('utf8');
  assert.equal(body, BODY.replace(/\n/g, '\r\n'));
  const m = await waitFor(async () => {
    const x = await message(srv, id);
    return x && x.state === 'sent' ? x : null;
  }, 'state sent');
  assert.equal(m.attempts, 1);
  assert.equal(m.subject, SUBJECT);
  assert.equal(m.kind, 'test');
  assert.equal(typeof m.sentAt, 'string');
  assert.equal(m.body, undefined, 'bodies are never listed');
  assert.equal(received.filter((x) => x.to.includes('taro@example.jp')).length, 1, 'delivered once');
});

test('a refused recipient is retried with backoff, then marked failed; retry queues it again', async () => {
  const id = await queue(srv, 'refuse@example.jp');
  const m = await waitFor(async () => {
    const x = await message(srv, id);
    return x && x.state === 'failed' ? x : null;
  }, 'state failed');
  assert.equal(m.attempts, 2, 'max_attempts = 2');
  assert.equal(rcptTries.get('refuse@example.jp'), 2);
  assert.match(m.lastError, /550/);
  assert.equal(m.sentAt, null);
  const r = await call('POST', '/admin/api/mail/retry.json', { ...admin(), body: { ids: [id] } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.queued, '1');
  // queued again with the count started over; the sender takes it at once and it fails again
  await waitFor(() => rcptTries.get('refuse@example.jp') >= 3, 'third attempt after the retry');
  const failed = await call('GET', '/admin/api/mail.json', { ...admin(), query: { state: 'failed', ref: 'test' } });
  assert.equal(failed.status, 200);
});

test('the outbox API is for administrators only', async () => {
  const r = await call('GET', '/admin/api/mail.json', { base: srv.url, auth: null });
  assert.ok(r.status === 401 || r.status === 403, `status ${r.status}`);
});

test('starttls=required refuses a server without STARTTLS', async () => {
  const strict = await startServer(['--mail-smtp-url', `smtp://127.0.0.1:${smtpPort}`, '--mail-from', FROM,
    '--mail-starttls', 'required', '--mail-max-attempts', '1']);
  try {
    const id = await queue(strict, 'jiro@example.jp');
    const m = await waitFor(async () => {
      const x = await message(strict, id);
      return x && x.state === 'failed' ? x : null;
    }, 'state failed (no STARTTLS)');
    assert.match(m.lastError, /SSL|TLS/i);
    assert.ok(!received.some((x) => x.to.includes('jiro@example.jp')), 'nothing sent in plain text');
  } finally {
    const res = await strict.stop();
    assertCleanExit(res, 'strict mail server');
    strict.cleanup();
  }
});
