// The computed-answer vectors (tests/vectors/fcompute.json) against web/js/fcond.js; the C
// side runs the same file in tests/unit/test_fcompute.c.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { computeValue, computeError } from '../../web/js/fcond.js';

const v = JSON.parse(readFileSync(new URL('./fcompute.json', import.meta.url), 'utf8'));
const env = { today: v.today };
for (const c of v.cases) {
  test(`compute: ${c.name}`, () => assert.equal(computeValue(c.expr, c.answers, env), c.expect));
}
v.valid.forEach((c, i) => {
  test(`compute shape ${i}: ${JSON.stringify(c.expr)}`, () => assert.equal(computeError(c.expr) === null, c.valid));
});
