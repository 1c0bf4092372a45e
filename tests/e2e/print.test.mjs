// End-to-end proof of `madoguchi print` with the real binary: a template saved over the API,
// then the CLI contract — `--list` (app id, code, name, tab-separated), every matching record
// into one PDF (pages in the query's order, text checked with pdftotext, fonts with pdffonts,
// structure with qpdf), `--zip` with one PDF per record named by the template's rule — and
// its errors (unknown template, bad query, missing flags) with nothing written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, assertOk, createApp, startServer, assertCleanExit, run, env } from './lib.mjs';

async function cli(args) {
  try {
    const { stdout, stderr } = await run(env.bin, ['print', ...args], undefined, { timeout: 120000 });
    return { code: 0, out: stdout, err: stderr };
  } catch (err) {
    return { code: err.code, out: err.stdout || '', err: err.stderr || err.message };
  }
}

/* Names of the entries of a zip archive (its central directory). */
function zipNames(buf) {
  const names = [];
  for (let i = 0; i + 46 <= buf.length; i++) {
    if (buf.readUInt32LE(i) !== 0x02014b50) continue;
    const n = buf.readUInt16LE(i + 28), extra = buf.readUInt16LE(i + 30), comment = buf.readUInt16LE(i + 32);
    names.push(buf.subarray(i + 46, i + 46 + n).toString('utf8'));
    i += 45 + n + extra + comment;
  }
  return names;
}

test('madoguchi print: --list, one PDF, a zip, and errors', async () => {
  const srv = await startServer();
  const out = mkdtempSync(join(tmpdir(), 'mado-print-'));
  try {
    const base = srv.url, auth = { user: srv.user, password: srv.password };
    const app = await createApp('許可台帳', {
      受付番号: { type: 'SINGLE_LINE_TEXT', code: '受付番号', label: '受付番号' },
      申請者: { type: 'SINGLE_LINE_TEXT', code: '申請者', label: '申請者' },
      決裁日: { type: 'DATE', code: '決裁日', label: '決裁日' },
      面積: { type: 'NUMBER', code: '面積', label: '面積' },
    }, { base, auth });
    const people = ['世田谷 一郎', '北沢 花子', '玉川 次郎'];
    for (let i = 0; i < people.length; i++) {
      assertOk(await call('POST', '/k/v1/record.json', { base, auth, body: { app, record: {
        受付番号: { value: `R8-${String(i + 1).padStart(4, '0')}` }, 申請者: { value: people[i] },
        決裁日: { value: '2026-04-01' }, 面積: { value: String(1234.5 + i) } } } }));
    }
    assertOk(await call('PUT', '/k/v1/app/template.json', { base, auth, body: { app, template: {
      code: 'kyoka', name: '許可書', fileName: '{受付番号}_{帳票名}.pdf', verify: false,
      elements: [
        { type: 'text', x: 20, y: 20, w: 170, text: '建築許可書', size: 18, align: 'center', font: 'gothic' },
        { type: 'text', x: 20, y: 40, field: '申請者' },
        { type: 'text', x: 20, y: 50, field: '決裁日', format: { date: 'wareki' } },
        { type: 'text', x: 20, y: 60, field: '面積', format: { number: { separator: true, decimals: 2, unit: '㎡' } } },
      ] } } }));
    const stopped = await srv.stop();
    assertCleanExit(stopped);

    // --list: app id, code, name
    let r = await cli(['--data', srv.data, '--list']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, `${app}\tkyoka\t許可書\n`);

    // every record into one PDF, in the query's order
    const pdf = join(out, 'all.pdf');
    r = await cli(['--data', srv.data, '--app', String(app), '--template', 'kyoka', '--query', 'order by $id asc', '--out', pdf]);
    assert.equal(r.code, 0, r.err);
    assert.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-');
    assert.match(execFileSync('pdfinfo', [pdf]).toString(), /Pages:\s+3\b/);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
    const at = people.map((p) => text.indexOf(p));
    assert.ok(at.every((x) => x >= 0) && at[0] < at[1] && at[1] < at[2], text);
    assert.ok(text.includes('令和8年4月1日') && text.includes('1,234.50㎡'), text);
    const fonts = execFileSync('pdffonts', [pdf]).toString().trim().split('\n').slice(2);
    assert.ok(fonts.length > 0 && fonts.every((l) => /IPAex/.test(l) && /\byes\s+yes\b/.test(l)), fonts.join('\n'));
    execFileSync('qpdf', ['--check', pdf]);

    // one query narrows it; --zip gives one file per record, named by the rule
    const zip = join(out, 'some.zip');
    r = await cli(['--data', srv.data, '--app', String(app), '--template', 'kyoka', '--query', '申請者 like "花子" or 申請者 like "次郎"', '--zip', '--out', zip]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(zipNames(readFileSync(zip)).sort(), ['R8-0002_許可書.pdf', 'R8-0003_許可書.pdf']);

    // errors: a clear message, exit 1 (2 for usage), nothing written
    const none = join(out, 'none.pdf');
    r = await cli(['--data', srv.data, '--app', String(app), '--template', 'nothing', '--out', none]);
    assert.equal(r.code, 1);
    assert.match(r.err, /テンプレート/);
    r = await cli(['--data', srv.data, '--app', String(app), '--template', 'kyoka', '--query', '申請者 ==', '--out', none]);
    assert.equal(r.code, 1);
    r = await cli(['--data', srv.data, '--template', 'kyoka', '--out', none]);
    assert.equal(r.code, 2);
    assert.ok(!existsSync(none));
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(srv.dir, { recursive: true, force: true });
  }
});
