// Differential check of the C and JavaScript form languages on random input (not part of
// make check: a tool to run after changing either side). Generates random conditions,
// answers, rules and values, records what web/js/fcond.js answers as vectors, and the C
// runner must agree with every one:
//   node tests/vectors/fcond_differential.mjs SEED COUNT /tmp/fd/tests/vectors/fcond.json
//   (cd /tmp/fd && "$OLDPWD"/build/tests/test_fcond | grep -E '^FAIL|vectors pass')
// 10 seeds × 5,000 cases (100,000 conditions and as many checks) agreed on 2026-11-26.
import { writeFileSync, readFileSync } from 'node:fs';
import { evalCondition, conditionError, checkValue, rulesError } from '../../web/js/fcond.js';
const base = JSON.parse(readFileSync(new URL('./fcond.json', import.meta.url), 'utf8'));
let seed = Number(process.argv[2] ?? 1);
const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return Math.floor(seed / 65536) % n; };
const strs = ['12', '１２', ' 12 ', '-3', '.5', '5.', '1e3', '2026-12-26', '２０２６－１２－２６', 'today', 'today+30', 'today-7', 'ｔｏｄａｙ＋３', '2026-02-29', '2028-02-29', '', ' 　', 'ヤマダ', 'ｶﾅ', 'カ\u3099', '03-1234-5678', '+81-3-1234-5678', '154-0004', '１５４ー０００４', 'taro@example.jp', 'a..b@x.jp', '住宅', '店舗', 'A', 'B', 'C', '𠮷野', 'abc', '0x10', '+7', '99999', '1970-01-01', '0001-01-01', '9999-12-31', '世田谷', '太子堂', '一丁目', 'constructor', '__proto__', 'ー', '・', '03ー1234ー5678', '０９０１２３４５６７８'];
const pats = ['[0-9]{3}', '\\d+', '\\w+', '.+', 'a|ab', '[ァ-ヶー]+', '\\p{L}+', '(?!0)\\d+', '(a', '\\s', '[^]', 'a{2,1}', '(?:ab)+', '[a\\-z]+', '.', '..', '\\p{N}+', '[^0-9]+', '\\b\\w+\\b', 'x*?', 'a{0}', '(?=a)'];
function rval() {
  switch (rnd(9)) {
    case 0: return null; case 1: return rnd(2) === 1; case 2: return rnd(300) - 100; case 3: return (rnd(1000) - 500) / 8;
    case 4: return []; case 5: return { a: 'b' }; case 6: return [strs[rnd(strs.length)], strs[rnd(strs.length)]];
    default: return strs[rnd(strs.length)];
  }
}
const fields = Object.keys(base.answers).concat(['x', 'constructor']);
const ops = ['eq', 'ne', 'in', 'nin', 'empty', 'notempty', 'lt', 'le', 'gt', 'ge', 'EQ'];
function rcond(d) {
  const r = rnd(10);
  if (d > 0 && r === 0) return { all: Array.from({ length: rnd(3) }, () => rcond(d - 1)) };
  if (d > 0 && r === 1) return { any: Array.from({ length: rnd(3) }, () => rcond(d - 1)) };
  if (d > 0 && r === 2) return { not: rcond(d - 1) };
  const op = ops[rnd(ops.length)];
  const c = { field: fields[rnd(fields.length)], op };
  const k = rnd(10);
  if (op === 'in' || op === 'nin') c.value = k < 8 ? [rval(), strs[rnd(strs.length)], rnd(20)] : rval();
  else if (op === 'empty' || op === 'notempty') { if (k === 0) c.value = rval(); }
  else if (k < 9) c.value = k < 4 ? strs[rnd(strs.length)] : k < 7 ? rnd(50) : rval();
  if (rnd(30) === 0) c.extra = 1;
  return c;
}
function rrules() {
  const r = {};
  const keys = ['minLength', 'maxLength', 'pattern', 'min', 'max', 'minDate', 'maxDate', 'format', 'options', 'optionsTree', 'parent', 'required', 'bogus'];
  const n = rnd(3) + 1;
  for (let i = 0; i < n; i++) {
    const k = keys[rnd(keys.length)];
    switch (k) {
      case 'minLength': case 'maxLength': r[k] = rnd(10) === 0 ? '3' : rnd(6); break;
      case 'pattern': r[k] = pats[rnd(pats.length)]; break;
      case 'min': case 'max': r[k] = rnd(3) === 0 ? strs[rnd(strs.length)] : rnd(40) - 5; break;
      case 'minDate': case 'maxDate': r[k] = strs[rnd(strs.length)]; break;
      case 'format': r[k] = ['email', 'phone', 'postcode', 'katakana', 'url'][rnd(5)]; break;
      case 'options': r[k] = [strs[rnd(strs.length)], strs[rnd(strs.length)], 'A', '住宅']; break;
      case 'optionsTree': r[k] = { 世田谷: { 太子堂: ['一丁目'] }, A: ['B', 'C'] }; break;
      case 'parent': r[k] = rnd(2) ? '用途' : ['種別', 'x']; break;
      case 'required': r[k] = rnd(2) === 0; break;
      default: r[k] = 1;
    }
  }
  return r;
}
const conditions = [], condValid = [], checks = [], rulesValid = [];
const N = Number(process.argv[3] ?? 3000);
for (let i = 0; i < N; i++) {
  const cond = rcond(3);
  const answers = {};
  for (const f of fields) if (rnd(3)) answers[f] = rval();
  conditions.push({ name: 'r' + i, cond, answers, expect: evalCondition(cond, answers, base.env) });
  const w = conditionError(cond);
  condValid.push(w ? { name: 'r' + i, cond, valid: false, why: w } : { name: 'r' + i, cond, valid: true });
  const rules = rrules();
  const value = rnd(4) ? strs[rnd(strs.length)] : rval();
  const req = rnd(2) === 0;

  const v = { name: 'k' + i, rules, field: 'f', answers: { ...answers, f: value }, required: req };
  const e2 = checkValue(rules, value, req, base.env, v.answers);
  v.expect = e2 === null ? null : e2.arg === null ? { code: e2.code } : e2;

  checks.push(v);
  const rw = rulesError(rules);
  rulesValid.push(rw ? { name: 'k' + i, rules, valid: false, why: rw } : { name: 'k' + i, rules, valid: true });
}
writeFileSync(process.argv[4], JSON.stringify({ env: base.env, answers: base.answers, conditions, condValid, checks, rulesValid }));
