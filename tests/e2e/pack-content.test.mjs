// The Setagaya pack's content, piece by piece, through the HTTP API (tools/pack-check.mjs): for
// every app its definition deploys; for each of the 29 forms the page renders, every step of the
// form's sample applicant (forms/*.samples.json) validates, each listed invalid input is refused
// on its own field, and the sample submits; for each of the 21 templates a submitted record
// previews as a PNG without overflow. The counts are asserted from the checker's own lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, freePort } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function node(args, timeoutMs) {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (b) => { out += b; });
    p.stderr.on('data', (b) => { out += b; });
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('exit', (code) => { clearTimeout(timer); resolve({ code, out }); });
  });
}

test('the Setagaya pack: every form and template checked with its samples (tools/pack-check.mjs)', async () => {
  const smtp = await freePort();
  process.env.MADOGUCHI_MAIL_SMTP_URL = `smtp://127.0.0.1:${smtp}`;
  process.env.MADOGUCHI_MAIL_STARTTLS = 'off';
  process.env.MADOGUCHI_MAIL_FROM = 'noreply@city.example.jp';
  const srv = await startServer();
  try {
    const { code, out } = await node([join(root, 'tools', 'pack-check.mjs'), '--url', srv.url,
      '--user', srv.user, '--password', srv.password, '--setup-directory', '--smtp-port', String(smtp)], 600000);
    const fails = out.split('\n').filter((l) => l.startsWith('FAIL'));
    assert.deepEqual(fails, [], out.slice(-3000));
    assert.equal(code, 0, out.slice(-3000));
    const lines = out.split('\n').filter((l) => l.startsWith('ok '));
    // a line per app deployed, per form (steps valid, invalid inputs refused, submitted), per
    // template (saved, previewed)
    const deployed = lines.filter((l) => / → deployed as app \d+$/.test(l)).length;
    const forms = lines.filter((l) => / steps valid, (\d+)\/\1 invalid inputs refused, submitted /.test(l)).length;
    const templates = lines.filter((l) => /: saved \(version \d+\), preview PNG with /.test(l)).length;
    console.log(`# pack-check: ${lines.length} checks: ${deployed} apps, ${forms} forms, ${templates} templates`);
    assert.equal(deployed, 7);
    assert.equal(forms, 29);
    assert.equal(templates, 21);
  } finally {
    const res = await srv.stop();
    assert.equal(res.sanitizer, false, res.log.slice(-3000));
    srv.cleanup();
  }
});
