// fcond: the condition and validation language of forms, in the browser. The twin of
// src/domain/fcond.c, fval.c and fcond_re.c (the server decides; this only mirrors it for
// live show/hide and inline messages). Same semantics, checked by tests/vectors/*.json.
// ES module, no dependencies, no build step.

const MAX_DEPTH = 16;
const OPS = ['eq', 'ne', 'in', 'nin', 'empty', 'notempty', 'lt', 'le', 'gt', 'ge'];
const enc = new TextEncoder();

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const own = (o, k) => (isObj(o) && Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);
const isStr = (v) => typeof v === 'string';
const isNum = (v) => typeof v === 'number';
const isInt = (v) => Number.isInteger(v);
const utf8len = (s) => enc.encode(s).length;
const trimWs = (s) => s.replace(/^[ \t\n\r]+/, '').replace(/[ \t\n\r]+$/, '');
const blank = (s) => /^[ \t\n\r\u3000]*$/.test(s);

// NFKC and trim, refused past cap bytes as the C side's fixed buffers do.
const ascii = /^[\x00-\x7f]*$/;
function nfkcTrim(s, cap) {
  if (ascii.test(s)) return s.length >= cap ? null : trimWs(s); // NFKC leaves ASCII alone
  const t = s.normalize('NFKC');
  if (utf8len(t) >= cap) return null;
  return trimWs(t);
}

export function parseNumber(s) {
  const t = nfkcTrim(s, 128);
  if (t === null || !/^[+-]?([0-9]+(\.[0-9]+)?|\.[0-9]+)$/.test(t)) return null;
  return Number(t);
}

function daysFromCivil(y, m, d) {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor((y >= 0 ? y : y - 399) / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function formatDate(z) {
  z += 719468;
  const era = Math.floor((z >= 0 ? z : z - 146096) / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  let y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) y += 1;
  const p = (n, w) => String(n).padStart(w, '0');
  return `${p(y, 4)}-${p(m, 2)}-${p(d, 2)}`;
}

// Days since 1970-01-01 of "YYYY-MM-DD"; with rel also "today", "today+N", "today-N".
export function parseDate(s, rel, today) {
  const b = nfkcTrim(s, 64);
  if (b === null) return null;
  if (rel && b.startsWith('today')) {
    const r = b.slice(5);
    if (r === '') return today;
    const m = /^([+-])([0-9]{1,5})$/.exec(r);
    if (!m) return null;
    return m[1] === '+' ? today + Number(m[2]) : today - Number(m[2]);
  }
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(b);
  if (!m) return null;
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
  const mdays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return null;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d > mdays[mo - 1] + (mo === 2 && leap ? 1 : 0)) return null;
  return daysFromCivil(y, mo, d);
}

function envToday(env) {
  const t = env && env.today;
  if (isNum(t)) return t;
  if (isStr(t)) return parseDate(t, false, 0) ?? 0;
  return 0;
}

// ---- conditions ----

function cmpValueOk(v) {
  if (isNum(v)) return true;
  return isStr(v) && (parseDate(v, true, 0) !== null || parseNumber(v) !== null);
}

function validAt(c, depth) {
  if (depth > MAX_DEPTH) return 'nested deeper than 16';
  if (!isObj(c)) return 'a condition is an object';
  const keys = Object.keys(c);
  for (const [i, k] of ['all', 'any', 'not'].entries()) {
    const sub = own(c, k);
    if (sub === undefined) continue;
    if (keys.length !== 1) return 'all/any/not stand alone in their object';
    if (i === 2) return validAt(sub, depth + 1);
    if (!Array.isArray(sub)) return 'all/any take an array';
    for (const e of sub) {
      const w = validAt(e, depth + 1);
      if (w) return w;
    }
    return null;
  }
  const field = own(c, 'field');
  if (!isStr(field) || field === '') return 'field is a non-empty string';
  const op = own(c, 'op');
  if (!OPS.includes(op)) return 'unknown op';
  const v = own(c, 'value');
  if (keys.length !== (v !== undefined ? 3 : 2)) return 'a condition has only field, op and value';
  switch (op) {
    case 'eq': case 'ne':
      return isStr(v) || isNum(v) ? null : 'eq/ne compare with a string or a number';
    case 'in': case 'nin':
      if (!Array.isArray(v)) return 'in/nin take an array';
      return v.every((e) => isStr(e) || isNum(e)) ? null : 'in/nin lists strings or numbers';
    case 'empty': case 'notempty':
      return v !== undefined ? 'empty/notempty take no value' : null;
    default:
      return cmpValueOk(v) ? null : 'lt/le/gt/ge compare with a number or a date';
  }
}

// null when valid, else the reason (the same text as fcond_valid's).
export function conditionError(cond) {
  return validAt(cond, 1);
}

function eqOne(a, v) {
  if (isStr(v)) return a === v;
  const x = parseNumber(a);
  return x !== null && x === v;
}

function cmpOne(a, op, v, today) {
  let c;
  const dy = isStr(v) ? parseDate(v, true, today) : null;
  if (dy !== null) {
    const dx = parseDate(a, false, 0);
    if (dx === null) return false;
    c = dx < dy ? -1 : dx > dy ? 1 : 0;
  } else {
    const y = isStr(v) ? parseNumber(v) : v;
    if (y === null) return false;
    const x = parseNumber(a);
    if (x === null) return false;
    c = x < y ? -1 : x > y ? 1 : 0;
  }
  return op === 'lt' ? c < 0 : op === 'le' ? c <= 0 : op === 'gt' ? c > 0 : c >= 0;
}

function leafAny(ans, op, v, today) {
  if (isStr(ans)) {
    if (op === 'eq') return eqOne(ans, v);
    if (op === 'in') return v.some((e) => eqOne(ans, e));
    return cmpOne(ans, op, v, today);
  }
  if (Array.isArray(ans)) return ans.some((e) => isStr(e) && leafAny(e, op, v, today));
  return false;
}

function isEmpty(ans) {
  if (isStr(ans)) return blank(ans);
  if (Array.isArray(ans)) return !ans.some((e) => isStr(e) && !blank(e));
  return true;
}

function evalAt(c, answers, today) {
  let sub;
  if ((sub = own(c, 'all')) !== undefined) return sub.every((e) => evalAt(e, answers, today));
  if ((sub = own(c, 'any')) !== undefined) return sub.some((e) => evalAt(e, answers, today));
  if ((sub = own(c, 'not')) !== undefined) return !evalAt(sub, answers, today);
  const ans = own(answers, c.field);
  const v = own(c, 'value');
  switch (c.op) {
    case 'eq': return leafAny(ans, 'eq', v, today);
    case 'ne': return !leafAny(ans, 'eq', v, today);
    case 'in': return leafAny(ans, 'in', v, today);
    case 'nin': return !leafAny(ans, 'in', v, today);
    case 'empty': return isEmpty(ans);
    case 'notempty': return !isEmpty(ans);
    default: return leafAny(ans, c.op, v, today);
  }
}

// answers: {code: string | string[]}; env: {today: "YYYY-MM-DD" | days since 1970-01-01}.
export function evalCondition(cond, answers, env) {
  if (validAt(cond, 1) !== null) return false;
  return evalAt(cond, isObj(answers) ? answers : undefined, envToday(env));
}

// ---- patterns ----

export function patternError(p) {
  if (utf8len(p) > 1000) return 'pattern longer than 1000 bytes';
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      const e = p[++i];
      if (e === undefined) return 'pattern ends with a backslash';
      if (e === 'p' || e === 'P') {
        const m = /^\{[A-Z][a-z]?\}/.exec(p.slice(i + 1));
        if (!m) return '\\p takes a general category such as \\p{L}';
        i += m[0].length;
      } else if ('dDwWbBtnrfv\\^$.|?*+()[]{}/'.includes(e) || (e === '-' && inClass)) {
        continue;
      } else {
        return 'escape outside the pattern subset (no \\s, backreferences, \\x, \\u)';
      }
    } else if (inClass) {
      if (c === ']') inClass = false;
      else if (c === '[') return '[ inside a character class must be escaped';
    } else if (c === '[') {
      inClass = true;
      if (p[i + 1] === '^') i++;
      if (p[i + 1] === ']') return 'empty character class';
    } else if ((c === '*' || c === '+' || c === '?') && p[i + 1] === '+') {
      return 'no possessive quantifiers';
    } else if (c === '(' && p[i + 1] === '*') {
      return 'no (*VERB) groups';
    } else if (c === '(' && p[i + 1] === '?') {
      const k = p[i + 2];
      if (k !== ':' && k !== '=' && k !== '!') return 'only (?: (?= (?! groups: no lookbehind, names or flags';
    } else if (c === '{') {
      const m = /^\{[0-9]+(,[0-9]*)?\}/.exec(p.slice(i));
      if (!m) return 'a literal { or } must be escaped';
      i += m[0].length - 1;
      if (p[i + 1] === '+') return 'no possessive quantifiers';
    } else if (c === '}' || c === ']') {
      return 'a literal ] { or } must be escaped';
    }
  }
  if (inClass) return 'unterminated character class';
  return null;
}

const reCache = new Map();
function compiled(p) {
  if (reCache.has(p)) return reCache.get(p);
  let re = null;
  if (patternError(p) === null) {
    try { re = new RegExp('^(?:' + p + ')$', 'us'); } catch { re = null; }
  }
  if (reCache.size > 256) reCache.clear();
  reCache.set(p, re);
  return re;
}

// ---- validators ----

const isHyphen = (c) => c === 0x2d || (c >= 0x2010 && c <= 0x2015) || c === 0x2212 || c === 0x30fc;

function digitGroups(s, leadOk) {
  let prevHyphen = !leadOk, any = false, n = 0, first = '';
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (c >= 0x30 && c <= 0x39) {
      if (!n) first = ch;
      n++; prevHyphen = false; any = true;
    } else if (isHyphen(c)) {
      if (prevHyphen) return null;
      prevHyphen = true;
    } else return null;
  }
  return any && !prevHyphen ? { n, first } : null;
}

function isPhone(s) {
  const t = nfkcTrim(s, 128);
  if (t === null) return false;
  if (t.startsWith('+81')) {
    const g = digitGroups(t.slice(3), true);
    return !!g && g.n >= 9 && g.n <= 10 && g.first !== '0';
  }
  const g = digitGroups(t, false);
  return !!g && g.n >= 10 && g.n <= 11 && g.first === '0';
}

function isPostcode(s) {
  const t = nfkcTrim(s, 64);
  if (t === null) return false;
  const cs = [...t].map((ch) => ch.codePointAt(0));
  const dig = (c) => c >= 0x30 && c <= 0x39;
  let i = 0;
  for (let k = 0; k < 3; k++) if (!dig(cs[i++])) return false;
  if (i < cs.length && !dig(cs[i])) {
    if (!isHyphen(cs[i])) return false;
    i++;
  }
  for (let k = 0; k < 4; k++) if (!dig(cs[i++])) return false;
  return i === cs.length;
}

function isEmail(s) {
  const t = trimWs(s);
  if (t.length === 0 || utf8len(t) > 254) return false;
  const at = t.indexOf('@');
  if (at < 0) return false;
  const local = t.slice(0, at);
  if (local.length === 0 || local.length > 64 || local[0] === '.' || local.endsWith('.') || local.includes('..')) return false;
  if (!/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/.test(local)) return false;
  const labels = t.slice(at + 1).split('.');
  for (const l of labels) {
    if (!/^[A-Za-z0-9-]{1,63}$/.test(l) || l[0] === '-' || l.endsWith('-')) return false;
  }
  return labels.length >= 2 && !/^[0-9]+$/.test(labels[labels.length - 1]);
}

function isKatakana(s) {
  for (const ch of s.normalize('NFC')) {
    const c = ch.codePointAt(0);
    if (!((c >= 0x30a1 && c <= 0x30fa) || (c >= 0x30fb && c <= 0x30fe) || c === 0x20 || c === 0x3000)) return false;
  }
  return true;
}

function fmtBound(r) {
  if (isStr(r)) return r;
  return String(r);
}

function boundOf(r) {
  if (isNum(r)) return r;
  return isStr(r) ? parseNumber(r) : null;
}

function treeNode(rules, answers) {
  let node = own(rules, 'optionsTree');
  const par = own(rules, 'parent');
  const list = Array.isArray(par) ? par : isStr(par) ? [par] : [];
  for (const code of list) {
    if (node === undefined) break;
    const a = isStr(code) ? own(answers, code) : undefined;
    node = isStr(a) && isObj(node) ? own(node, a) : undefined;
  }
  return node;
}

// The choices a hierarchical field offers for the answers so far ({"optionsTree", "parent"}):
// an array of strings, or null when the field has no tree.
export function treeOptions(rules, answers) {
  if (!isObj(rules) || own(rules, 'optionsTree') === undefined) return null;
  const node = treeNode(rules, isObj(answers) ? answers : {});
  if (isObj(node)) return Object.keys(node);
  return Array.isArray(node) ? node.filter(isStr) : [];
}

function inList(node, s) {
  if (isObj(node)) return own(node, s) !== undefined;
  return Array.isArray(node) && node.some((e) => isStr(e) && e === s);
}

const err = (code, arg = null) => ({ code, arg });

function checkStr(rules, s, answers, today) {
  let r;
  let len = null;
  const nfcLen = () => (len ??= [...s.normalize('NFC')].length);
  if (isInt(r = own(rules, 'minLength')) && nfcLen() < r) return err('too_short', String(r));
  if (isInt(r = own(rules, 'maxLength')) && nfcLen() > r) return err('too_long', String(r));
  if (isStr(r = own(rules, 'pattern'))) {
    const re = compiled(r);
    if (!re || !re.test(s)) return err('pattern');
  }
  const fmt = own(rules, 'format');
  if (fmt === 'email' && !isEmail(s)) return err('email');
  if (fmt === 'phone' && !isPhone(s)) return err('phone');
  if (fmt === 'postcode' && !isPostcode(s)) return err('postcode');
  if (fmt === 'katakana' && !isKatakana(s)) return err('katakana');
  const rmin = own(rules, 'min'), rmax = own(rules, 'max');
  const lo = boundOf(rmin), hi = boundOf(rmax);
  if (lo !== null || hi !== null) {
    const x = parseNumber(s);
    if (x === null) return err('not_number');
    if (lo !== null && x < lo) return err('min', fmtBound(rmin));
    if (hi !== null && x > hi) return err('max', fmtBound(rmax));
  }
  const smin = own(rules, 'minDate'), smax = own(rules, 'maxDate');
  const dlo = isStr(smin) ? parseDate(smin, true, today) : null;
  const dhi = isStr(smax) ? parseDate(smax, true, today) : null;
  if (dlo !== null || dhi !== null) {
    const dx = parseDate(s, false, 0);
    if (dx === null) return err('not_date');
    if (dlo !== null && dx < dlo) return err('min_date', formatDate(dlo));
    if (dhi !== null && dx > dhi) return err('max_date', formatDate(dhi));
  }
  if (Array.isArray(r = own(rules, 'options')) && !inList(r, s)) return err('option');
  if (own(rules, 'optionsTree') !== undefined) {
    const node = treeNode(rules, answers);
    if (node === undefined || !inList(node, s)) return err('option');
  }
  return null;
}

// null when valid, else {code, arg}. answers (all the form's answers) serve hierarchical
// choices ({"optionsTree":..., "parent": code or [codes from the top]}).
export function checkValue(rules, value, required, env, answers) {
  if (value !== undefined && value !== null && !isStr(value) && !Array.isArray(value)) return err('invalid');
  let empty = true;
  if (isStr(value)) empty = blank(value);
  if (Array.isArray(value)) {
    for (const e of value) {
      if (!isStr(e)) return err('invalid');
      if (!blank(e)) empty = false;
    }
  }
  if (empty) return required ? err('required') : null;
  if (!isObj(rules)) return null;
  const today = envToday(env);
  if (isStr(value)) return checkStr(rules, value, answers, today);
  for (const e of value) {
    if (blank(e)) continue;
    const r = checkStr(rules, e, answers, today);
    if (r) return r;
  }
  return null;
}

function treeValid(node, depth) {
  if (depth > MAX_DEPTH) return false;
  if (isObj(node)) return Object.values(node).every((v) => treeValid(v, depth + 1));
  return Array.isArray(node) && node.every(isStr);
}

// null when a rules object is acceptable, else the reason (fval_rules_valid's text).
export function rulesError(rules) {
  if (!isObj(rules)) return 'rules are an object';
  for (const [k, v] of Object.entries(rules)) {
    switch (k) {
      case 'required':
        if (typeof v !== 'boolean') return 'required is true or false';
        break;
      case 'minLength': case 'maxLength':
        if (!isInt(v) || v < 0) return 'minLength/maxLength are non-negative integers';
        break;
      case 'pattern': {
        if (!isStr(v)) return 'pattern is a string';
        const w = patternError(v);
        if (w) return w;
        if (!compiled(v)) return 'pattern does not compile';
        break;
      }
      case 'min': case 'max':
        if (boundOf(v) === null) return 'min/max are numbers';
        break;
      case 'minDate': case 'maxDate':
        if (!isStr(v) || parseDate(v, true, 0) === null) return 'minDate/maxDate are YYYY-MM-DD or today±N';
        break;
      case 'format':
        if (!['email', 'phone', 'postcode', 'katakana'].includes(v)) return 'format is email, phone, postcode or katakana';
        break;
      case 'options':
        if (!Array.isArray(v) || !treeValid(v, 1)) return 'options is an array of strings';
        break;
      case 'optionsTree':
        if (!isObj(v) || !treeValid(v, 1)) return 'optionsTree is an object of objects ending in arrays of strings';
        break;
      case 'parent': {
        const ok = isStr(v) || (Array.isArray(v) && v.length > 0 && v.every(isStr));
        if (!ok || own(rules, 'optionsTree') === undefined) return 'parent is a field code (or a list of them) with optionsTree';
        break;
      }
      default:
        return 'unknown rule';
    }
  }
  return null;
}

// Japanese first, English second; the same table as fval.c's.
export const MESSAGES = {
  required: { ja: '入力してください。', en: 'Enter a value.' },
  too_short: { ja: '{arg}文字以上で入力してください。', en: 'Enter at least {arg} characters.' },
  too_long: { ja: '{arg}文字以内で入力してください。', en: 'Enter at most {arg} characters.' },
  pattern: { ja: '入力の形式が正しくありません。', en: 'The value is not in the expected format.' },
  min: { ja: '{arg}以上の数値を入力してください。', en: 'Enter a number of at least {arg}.' },
  max: { ja: '{arg}以下の数値を入力してください。', en: 'Enter a number of at most {arg}.' },
  min_date: { ja: '{arg}以降の日付を入力してください。', en: 'Enter a date on or after {arg}.' },
  max_date: { ja: '{arg}以前の日付を入力してください。', en: 'Enter a date on or before {arg}.' },
  email: { ja: 'メールアドレスを入力してください（例: taro@example.jp）。', en: 'Enter an e-mail address, e.g. taro@example.jp.' },
  phone: { ja: '電話番号を数字とハイフンで入力してください（例: 03-1234-5678）。', en: 'Enter a phone number in digits and hyphens, e.g. 03-1234-5678.' },
  postcode: { ja: '郵便番号を7桁で入力してください（例: 154-0004）。', en: 'Enter a 7-digit postcode, e.g. 154-0004.' },
  katakana: { ja: '全角カタカナで入力してください。', en: 'Enter in full-width katakana.' },
  option: { ja: '選択肢から選んでください。', en: 'Choose one of the options.' },
  not_number: { ja: '数値を入力してください。', en: 'Enter a number.' },
  not_date: { ja: '日付を「2026-04-01」の形式で入力してください。', en: 'Enter a date in the form 2026-04-01.' },
  invalid: { ja: '入力内容を確認してください。', en: 'Check this value.' },
};

export function message(code, lang, arg) {
  const m = Object.prototype.hasOwnProperty.call(MESSAGES, code) ? MESSAGES[code] : MESSAGES.invalid;
  const t = lang === 'en' ? m.en : m.ja;
  return t.replace('{arg}', () => (arg == null ? '' : String(arg)));
}

// ---- computed answers (twin of src/domain/fcompute.c) ----

const COMPUTE_MAX_DEPTH = 8;
const COMPUTE_MAX_LEN = 4000; // bytes of UTF-8
const utf8 = new TextEncoder();

function isComputeList(a, depth) {
  return Array.isArray(a) && a.length > 0 && a.length <= 50 && a.every((x) => isComputeExpr(x, depth + 1));
}

function isComputeExpr(e, depth) {
  if (depth > COMPUTE_MAX_DEPTH) return false;
  if (typeof e === 'string' || (typeof e === 'number' && Number.isFinite(e))) return true;
  if (!isObj(e)) return false;
  const keys = Object.keys(e);
  if (keys.length === 0) return false;
  if ('field' in e) return keys.length === 1 && typeof e.field === 'string' && e.field !== '';
  for (const op of ['sum', 'product', 'concat']) if (op in e) return keys.length === 1 && isComputeList(e[op], depth);
  if ('if' in e) {
    return keys.length === 3 && 'then' in e && 'else' in e && conditionError(e.if) === null &&
      isComputeExpr(e.then, depth + 1) && isComputeExpr(e.else, depth + 1);
  }
  return false;
}

export function computeError(expr) {
  return isComputeExpr(expr, 1) ? null : 'invalid compute';
}

function numberText(d) {
  if (!Number.isFinite(d)) return null;
  let s;
  if (Number.isInteger(d) && Math.abs(d) < 9e15) s = d.toFixed(0);
  else s = d.toFixed(10).replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

// Appends to acc (an array of strings); false when invalid or too long.
function computeInto(e, answers, env, acc, depth) {
  if (depth > COMPUTE_MAX_DEPTH) return false;
  if (typeof e === 'string') { acc.push(e); return true; }
  if (typeof e === 'number') { const t = numberText(e); if (t === null) return false; acc.push(t); return true; }
  if ('field' in e) {
    const v = isObj(answers) ? answers[e.field] : undefined;
    if (typeof v === 'string') acc.push(v);
    else if (Array.isArray(v)) acc.push(v.filter((x) => typeof x === 'string').join('、'));
    return true;
  }
  if ('concat' in e) return e.concat.every((x) => computeInto(x, answers, env, acc, depth + 1));
  const sum = 'sum' in e;
  if (sum || 'product' in e) {
    let total = sum ? 0 : 1;
    for (const x of sum ? e.sum : e.product) {
      const part = [];
      if (!computeInto(x, answers, env, part, depth + 1)) return false;
      const text = part.join('');
      if (utf8.encode(text).length > COMPUTE_MAX_LEN) return false;
      const d = parseNumber(text);
      if (d === null) return true; // empty result
      total = sum ? total + d : total * d;
    }
    const t = numberText(total);
    if (t === null) return false;
    acc.push(t);
    return true;
  }
  if ('if' in e) return computeInto(evalCondition(e.if, answers, env) ? e.then : e.else, answers, env, acc, depth + 1);
  return false;
}

// The computed answer (a string), or "" when the expression is invalid or the result too long.
export function computeValue(expr, answers, env) {
  if (!isComputeExpr(expr, 1)) return '';
  const acc = [];
  if (!computeInto(expr, answers, env, acc, 1)) return '';
  const s = acc.join('');
  return utf8.encode(s).length > COMPUTE_MAX_LEN ? '' : s;
}
