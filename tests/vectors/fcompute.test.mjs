// The computed-answer vectors (tests/vectors/fcompute.json) against web/js/fcond.js; the C
// side runs the same file in tests/unit/test_fcompute.c.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { computeValue, computeError, treeOptions } from '../../web/js/fcond.js';

const v = JSON.parse(readFileSync(new URL('./fcompute.json', import.meta.url), 'utf8'));
const env = { today: v.today };
for (const c of v.cases) {
  test(`compute: ${c.name}`, () => assert.equal(computeValue(c.expr, c.answers, env), c.expect));
}
v.valid.forEach((c, i) => {
  test(`compute shape ${i}: ${JSON.stringify(c.expr)}`, () => assert.equal(computeError(c.expr) === null, c.valid));
});

test('treeOptions: the choices of a hierarchical field follow the levels above', () => {
  const tree = { 世田谷: { 太子堂: ['一丁目', '二丁目'], 三軒茶屋: [] }, 北沢: { 代沢: [] } };
  assert.deepEqual(treeOptions({ optionsTree: tree }, {}), ['世田谷', '北沢']);
  assert.deepEqual(treeOptions({ optionsTree: tree, parent: '地域' }, { 地域: '世田谷' }), ['太子堂', '三軒茶屋']);
  assert.deepEqual(treeOptions({ optionsTree: tree, parent: ['地域', '町名'] }, { 地域: '世田谷', 町名: '太子堂' }), ['一丁目', '二丁目']);
  assert.deepEqual(treeOptions({ optionsTree: tree, parent: '地域' }, {}), []);
  assert.equal(treeOptions({ required: true }, {}), null);
});
