// JavaScript runner of the shared condition/validation vectors (node --test). The C runner
// is tests/unit/test_fcond.c; both read every tests/vectors/fcond*.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { evalCondition, conditionError, checkValue, rulesError, message, MESSAGES } from '../../web/js/fcond.js';

const dir = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(dir).filter((f) => /^fcond.*\.json$/.test(f)).sort();

for (const file of files) {
  const doc = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const env = doc.env;
  for (const [i, v] of (doc.conditions ?? []).entries()) {
    test(`${file} condition ${i}: ${v.name}`, () => {
      const answers = 'answers' in v ? v.answers : doc.answers;
      assert.equal(evalCondition(v.cond, answers, env), v.expect);
    });
  }
  for (const [i, v] of (doc.condValid ?? []).entries()) {
    test(`${file} condValid ${i}: ${v.name}`, () => {
      assert.equal(conditionError(v.cond), v.valid ? null : v.why);
    });
  }
  for (const [i, v] of (doc.checks ?? []).entries()) {
    test(`${file} check ${i}: ${v.name}`, () => {
      const got = 'field' in v
        ? checkValue(v.rules, v.answers[v.field], !!v.required, env, v.answers)
        : checkValue(v.rules, v.value, !!v.required, env);
      const want = v.expect === null ? null : { code: v.expect.code, arg: v.expect.arg ?? null };
      assert.deepEqual(got, want);
    });
  }
  for (const [i, v] of (doc.rulesValid ?? []).entries()) {
    test(`${file} rulesValid ${i}: ${v.name}`, () => {
      assert.equal(rulesError(v.rules), v.valid ? null : v.why);
    });
  }
  for (const [i, v] of (doc.messages ?? []).entries()) {
    test(`${file} message ${i}: ${v.code}/${v.lang}`, () => {
      assert.equal(message(v.code, v.lang, v.arg), v.text);
    });
  }
}

test('every error code has a Japanese and an English message', () => {
  for (const [code, m] of Object.entries(MESSAGES)) {
    assert.ok(m.ja && m.en, code);
  }
});
