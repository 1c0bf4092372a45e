// Setup of bench/pdf.sh: an app shaped like a 許可 procedure (14 fields and a table of
// buildings), N records, and two templates: "frame" (the official form's lines and headings,
// printed once by the CLI to become the background PDF) and, after pdf.sh uploads that PDF,
// "kyoka" (the permit: the background and 20 elements bound to fields, with 和暦 dates,
// numbers, a text box, check marks, a table, a QR code). Usage:
//   node bench/pdf.mjs URL USER PASSWORD setup N        → prints the app id
//   node bench/pdf.mjs URL USER PASSWORD permit APP FILE → uploads FILE as the background
const [url, user, password, verb, a1, a2] = process.argv.slice(2);
const auth = { 'X-Cybozu-Authorization': Buffer.from(`${user}:${password}`).toString('base64') };

async function api(method, path, body) {
  const res = await fetch(`${url}${path}`, { method, headers: { ...auth, 'Content-Type': 'application/json' }, body: body && JSON.stringify(body) });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const opt = (...l) => Object.fromEntries(l.map((x, i) => [x, { label: x, index: String(i) }]));

if (verb === 'setup') {
  const n = Number(a1);
  const { app } = await api('POST', '/k/v1/preview/app.json', { name: '建築許可' });
  await api('POST', '/k/v1/preview/app/form/fields.json', { app, properties: {
    文書番号: { type: 'NUMBER', code: '文書番号', label: '文書番号' },
    受付番号: { type: 'SINGLE_LINE_TEXT', code: '受付番号', label: '受付番号' },
    申請者: { type: 'SINGLE_LINE_TEXT', code: '申請者', label: '申請者' },
    住所: { type: 'SINGLE_LINE_TEXT', code: '住所', label: '住所' },
    敷地: { type: 'SINGLE_LINE_TEXT', code: '敷地', label: '敷地の地名地番' },
    申請日: { type: 'DATE', code: '申請日', label: '申請日' },
    決裁日: { type: 'DATE', code: '決裁日', label: '決裁日' },
    敷地面積: { type: 'NUMBER', code: '敷地面積', label: '敷地面積' },
    用途: { type: 'RADIO_BUTTON', code: '用途', label: '用途', options: opt('住宅', '店舗', '事務所') },
    区域: { type: 'CHECK_BOX', code: '区域', label: '区域', options: opt('市街化区域', '防火地域', '準防火地域') },
    許可条件: { type: 'MULTI_LINE_TEXT', code: '許可条件', label: '許可条件' },
    建築物: { type: 'SUBTABLE', code: '建築物', label: '建築物', fields: {
      棟名: { type: 'SINGLE_LINE_TEXT', code: '棟名', label: '棟名' },
      構造: { type: 'SINGLE_LINE_TEXT', code: '構造', label: '構造' },
      延べ面積: { type: 'NUMBER', code: '延べ面積', label: '延べ面積' } } },
  } });
  await api('POST', '/k/v1/preview/app/deploy.json', { apps: [{ app }] });
  const towns = ['世田谷', '北沢', '玉川', '砧', '烏山'];
  for (let i = 0; i < n; i += 100) {
    const records = [];
    for (let k = i; k < Math.min(n, i + 100); k++) {
      records.push({
        文書番号: { value: String(k + 1) }, 受付番号: { value: `R8-${String(k + 1).padStart(6, '0')}` },
        申請者: { value: `${towns[k % 5]} 太郎${k}` }, 住所: { value: `東京都世田谷区${towns[k % 5]}${(k % 9) + 1}丁目${k % 30 + 1}番${k % 12 + 1}号` },
        敷地: { value: `世田谷区${towns[(k + 2) % 5]}${(k % 7) + 1}丁目${k}番` },
        申請日: { value: '2026-03-02' }, 決裁日: { value: '2026-04-01' },
        敷地面積: { value: String(120.5 + (k % 400)) }, 用途: { value: ['住宅', '店舗', '事務所'][k % 3] },
        区域: { value: k % 2 ? ['市街化区域', '準防火地域'] : ['市街化区域'] },
        許可条件: { value: '工事の着手前に、近隣住民へ工事の概要を説明すること。\n工事中は、騒音及び振動の防止に努め、道路の通行に支障を及ぼさないこと。\n完了後、速やかに完了届を提出すること。' },
        建築物: { value: [{ value: { 棟名: { value: 'A棟' }, 構造: { value: '木造2階建' }, 延べ面積: { value: '98.5' } } },
                         { value: { 棟名: { value: 'B棟' }, 構造: { value: '鉄骨造1階建' }, 延べ面積: { value: '24.0' } } }] },
      });
    }
    await api('POST', '/k/v1/records.json', { app, records });
  }
  const frame = [{ type: 'rect', x: 15, y: 15, w: 180, h: 267, width: 0.5 },
    { type: 'text', x: 15, y: 24, w: 180, text: '第　　号様式（第　条関係）', size: 9 },
    { type: 'line', x: 15, y: 70, x2: 195, y2: 70, width: 0.3 }];
  for (let r = 0; r < 12; r++) frame.push({ type: 'line', x: 15, y: 150 + r * 8, x2: 195, y2: 150 + r * 8, width: 0.2 });
  for (const [y, label] of [[76, '申請者の住所'], [86, '申請者の氏名'], [96, '敷地の地名地番'], [106, '敷地面積'], [116, '用途'], [126, '区域']]) {
    frame.push({ type: 'text', x: 20, y, text: label, size: 10 });
    frame.push({ type: 'line', x: 15, y: y + 8, x2: 195, y2: y + 8, width: 0.2 });
  }
  await api('PUT', '/k/v1/app/template.json', { app, template: { code: 'frame', name: '様式', verify: false, elements: frame } });
  console.log(app);
} else if (verb === 'permit') {
  const app = a1;
  const fd = new FormData();
  const { readFileSync } = await import('node:fs');
  fd.append('file', new Blob([readFileSync(a2)], { type: 'application/pdf' }), 'yoshiki.pdf');
  const up = await fetch(`${url}/k/v1/file.json`, { method: 'POST', headers: auth, body: fd });
  const { fileKey } = await up.json();
  await api('PUT', '/k/v1/app/template.json', { app, template: {
    code: 'kyoka', name: '建築許可書', background: { fileKey }, fileName: '{受付番号}_{帳票名}_{決裁日:yyyymmdd}.pdf',
    elements: [
      { type: 'text', x: 130, y: 32, field: '文書番号', format: { prefix: '世都計第', suffix: '号', pad: 4 } },
      { type: 'text', x: 130, y: 39, field: '決裁日', format: { date: 'wareki' } },
      { type: 'text', x: 20, y: 45, w: 170, text: '建築許可書', size: 20, align: 'center', font: 'gothic' },
      { type: 'text', x: 20, y: 58, w: 170, text: '{申請者} 様', size: 12 },
      { type: 'text', x: 60, y: 76, field: '住所' },
      { type: 'text', x: 60, y: 86, field: '申請者' },
      { type: 'text', x: 60, y: 96, field: '敷地' },
      { type: 'text', x: 60, y: 106, field: '敷地面積', format: { number: { separator: true, decimals: 2, unit: '㎡' } } },
      { type: 'check', x: 62, y: 119, field: '用途', value: '住宅' }, { type: 'text', x: 65, y: 116, text: '住宅' },
      { type: 'check', x: 82, y: 119, field: '用途', value: '店舗' }, { type: 'text', x: 85, y: 116, text: '店舗' },
      { type: 'check', x: 62, y: 129, field: '区域', value: '市街化区域' }, { type: 'text', x: 65, y: 126, text: '市街化区域' },
      { type: 'check', x: 92, y: 129, field: '区域', value: '準防火地域' }, { type: 'text', x: 95, y: 126, text: '準防火地域' },
      { type: 'table', x: 20, y: 140, field: '建築物', bottom: 200, columns: [
        { field: '棟名', title: '棟', w: 30 }, { field: '構造', title: '構造', w: 80 },
        { field: '延べ面積', title: '延べ面積', w: 50, align: 'right', format: { number: { separator: true, decimals: 2, unit: '㎡' } } }] },
      { type: 'textbox', x: 20, y: 205, w: 170, h: 30, field: '許可条件', minSize: 7 },
      { type: 'text', x: 120, y: 245, text: '世田谷区長', size: 14 },
      { type: 'qr', x: 20, y: 245, size: 22, code: true },
    ] } });
  console.log('ok');
}
