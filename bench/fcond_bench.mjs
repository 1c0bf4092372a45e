// Speed of the form language in JavaScript (issue #5: < 10 ms in the browser). Node's V8 is
// the JIT of Chromium, so it stands in for the browser. Same workload and output as
// bench/fcond_bench.c.  Usage: node bench/fcond_bench.mjs [iterations]
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { evalCondition, checkValue } from '../web/js/fcond.js';

const doc = JSON.parse(readFileSync(new URL('./fcond_form.json', import.meta.url), 'utf8'));
const iters = Number(process.argv[2] ?? 2000);
const { env, answers, rules, conditions } = doc;
let sink = 0;
const runConds = () => { for (const c of conditions) sink += evalCondition(c, answers, env) ? 1 : 0; };
const runChecks = () => { for (const code in rules) sink += checkValue(rules[code], answers[code], true, env, answers) ? 0 : 1; };

// The first run, before the JIT warms up, is what a page sees on its first change.
let a = performance.now();
runConds();
const cold = performance.now() - a;
for (let w = 0; w < 50; w++) { runConds(); runChecks(); }
const t1 = [], t2 = [], t3 = [];
for (let i = 0; i < iters; i++) {
  a = performance.now();
  runConds();
  const b = performance.now();
  runChecks();
  const c = performance.now();
  t1.push(b - a); t2.push(c - b); t3.push(c - a);
}
const row = (name, t) => {
  t.sort((x, y) => x - y);
  console.log(`| ${name} | ${t[t.length >> 1].toFixed(3)} ms | ${t[Math.floor(t.length * 0.99)].toFixed(3)} ms |`);
};
console.log(`node ${process.version}, ${Object.keys(answers).length} fields, ${conditions.length} conditions, ${iters} iterations; first (cold) run of the conditions ${cold.toFixed(3)} ms\n\n| work | median | p99 |\n|---|---|---|`);
row('100 conditions', t1);
row('300 field validations', t2);
row('both (one step POST)', t3);
if (sink < 0) console.log(sink);
