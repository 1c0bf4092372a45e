// Generates bench/fcond_form.json: a form of 300 fields (answers and validation rules) and
// 100 condition rules (mixed ops, nested up to 4 levels), deterministic. Read by
// bench/fcond_bench.c and bench/fcond_bench.mjs.  Usage: node bench/fcond_gen.mjs
import { writeFileSync } from 'node:fs';
let seed = 42;
const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
const F = 300, R = 100;
const answers = {}, rules = {};
const kinds = ['text', 'number', 'date', 'choice', 'multi', 'kana'];
const pats = ['[0-9]{3}-?[0-9]{4}', '[A-Za-z0-9 ]*', '\\p{L}+[0-9]*', '(?:ab|cd)+', '[ァ-ヶー　]+'];
for (let i = 0; i < F; i++) {
  const code = `f${i}`, k = kinds[i % 6];
  switch (k) {
    case 'text': answers[code] = `テキスト${i}`; rules[code] = { maxLength: 50, pattern: pats[2] }; break;
    case 'number': answers[code] = String(i); rules[code] = { min: 0, max: 1000 }; break;
    case 'date': answers[code] = `2027-0${1 + (i % 9)}-1${i % 10}`; rules[code] = { minDate: 'today+30', maxDate: '2028-03-31' }; break;
    case 'choice': answers[code] = ['住宅', '店舗', '工場'][i % 3]; rules[code] = { options: ['住宅', '店舗', '工場', '事務所'] }; break;
    case 'multi': answers[code] = ['A', 'C']; rules[code] = { options: ['A', 'B', 'C', 'D'] }; break;
    default: answers[code] = 'ヤマダ　タロウ'; rules[code] = { format: 'katakana', maxLength: 30 }; break;
  }
}
function leaf() {
  const i = rnd(F), code = `f${i}`, k = kinds[i % 6];
  switch (k) {
    case 'text': return rnd(2) ? { field: code, op: 'notempty' } : { field: code, op: 'eq', value: `テキスト${rnd(F)}` };
    case 'number': return { field: code, op: ['lt', 'le', 'gt', 'ge'][rnd(4)], value: rnd(300) };
    case 'date': return { field: code, op: ['lt', 'ge'][rnd(2)], value: rnd(2) ? 'today+30' : '2027-05-01' };
    case 'choice': return { field: code, op: rnd(2) ? 'in' : 'nin', value: ['住宅', '店舗'] };
    case 'multi': return { field: code, op: rnd(2) ? 'eq' : 'ne', value: ['A', 'B', 'C'][rnd(3)] };
    default: return { field: code, op: rnd(2) ? 'empty' : 'ne', ...(rnd(2) ? {} : {}) };
  }
}
function fixKana(c) { return c.op === 'ne' && c.value === undefined ? { ...c, value: 'ヤマダ' } : c; }
function tree(d) {
  if (d === 0 || rnd(3) === 0) return fixKana(leaf());
  const r = rnd(3);
  if (r === 2) return { not: tree(d - 1) };
  const n = 2 + rnd(3), xs = [];
  for (let i = 0; i < n; i++) xs.push(tree(d - 1));
  return r ? { all: xs } : { any: xs };
}
const conditions = [];
for (let r = 0; r < R; r++) conditions.push(tree(4));
writeFileSync(new URL('./fcond_form.json', import.meta.url),
  JSON.stringify({ env: { today: '2026-11-26' }, answers, rules, conditions }) + '\n');
