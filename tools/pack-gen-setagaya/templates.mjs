// The common document layout of the Setagaya pack (§10.3 of the reference): 文書番号 and the
// date (和暦) top right, the addressee top left, the issuer 「世田谷区長」, the title, the body
// citing the application, 「記」 with a ruled table, conditions, the 教示文 for appealable
// decisions, the office and the verification QR at the foot. No background PDF: the form is
// drawn with lines and boxes. Positions in mm on A4 portrait.

export const MAYOR = '世田谷区長　保坂　展人'; // 推定: the name is a literal; change it here (or per template) when it changes

/* 教示 (行政不服審査法 / 行政事件訴訟法): the standard wording of a ward decision.
 * saki: where the 審査請求 goes (要確認: decisions in 事務処理特例 matters go to 東京都知事). */
export function kyoji(saki) {
  return '【教示】1　この処分に不服がある場合は、この処分があったことを知った日の翌日から起算して3か月以内に、'
    + `${saki}に対して審査請求をすることができます（なお、この処分があったことを知った日の翌日から起算して3か月以内であっても、`
    + 'この処分の日の翌日から起算して1年を経過すると審査請求をすることができなくなります。）。'
    + '2　この処分の取消しを求める訴えは、この処分があったことを知った日の翌日から起算して6か月以内に、'
    + '世田谷区を被告として（訴訟において世田谷区を代表する者は世田谷区長となります。）提起することができます'
    + '（なお、この処分があったことを知った日の翌日から起算して6か月以内であっても、この処分の日の翌日から起算して1年を経過すると'
    + '処分の取消しの訴えを提起することができなくなります。）。ただし、上記1の審査請求をした場合には、当該審査請求に対する裁決が'
    + 'あったことを知った日の翌日から起算して6か月以内であれば、処分の取消しの訴えを提起することができます。';
}

/* rows: [label, {field}|{text}|{box: field, h}] */
export function doc(o) {
  const el = [];
  const txt = (x, y, extra) => el.push({ type: 'text', x, y, ...extra });
  // header
  txt(120, 15, { w: 75, align: 'right', field: '文書番号', size: 10.5 });
  txt(120, 21, { w: 75, align: 'right', field: o.dateField || '決裁日', format: { date: 'wareki' }, size: 10.5 });
  // the addressee: up to 100 characters (法人名) wrap in the box
  el.push({ type: 'textbox', x: 20, y: 29, w: 105, h: 11, text: '{申請者氏名}　様', size: 12, minSize: 7, lineHeight: 1.3 });
  el.push({ type: 'text', x: 20, y: 41, w: 105, text: '{代表者役職}　{代表者氏名}　様', size: 10.5, minSize: 7,
    if: { field: '申請者区分', op: 'eq', value: '法人・団体' } });
  txt(110, 47, { w: 85, align: 'right', text: o.issuer || MAYOR, size: 12 });
  txt(110, 53, { w: 85, align: 'right', text: '（電子交付につき公印省略）', size: 7 });
  // title and body
  txt(20, 62, { w: 170, align: 'center', text: o.title, size: o.titleSize || 16, font: 'gothic' });
  if (o.subtitle) txt(20, 70, { w: 170, align: 'center', text: o.subtitle, size: 10 });
  el.push({ type: 'textbox', x: 20, y: 77, w: 170, h: 22, text: o.body, size: 10.5, minSize: 8, lineHeight: 1.6 });
  txt(20, 101, { w: 170, align: 'center', text: '記', size: 11 });
  // the ruled table
  let y = 108;
  const top = y;
  for (const [label, v] of o.rows) {
    const h = v.h || 9;
    el.push({ type: 'rect', x: 20, y, w: 170, h, width: 0.25 });
    el.push({ type: 'line', x: 62, y, x2: 62, y2: y + h, width: 0.25 });
    el.push({ type: 'text', x: 22, y: y + 2, w: 38, text: label, size: 9.5, font: 'gothic' });
    if (v.boxText) el.push({ type: 'textbox', x: 64, y: y + 1, w: 124, h: h - 2, text: v.boxText, size: 10, minSize: 6, lineHeight: 1.3 });
    else if (v.box) el.push({ type: 'textbox', x: 64, y: y + 1, w: 124, h: h - 2, field: v.box, size: 9.5, minSize: 6, lineHeight: 1.4 });
    else if (v.field) el.push({ type: 'text', x: 64, y: y + 2, w: 124, field: v.field, size: 10, ...(v.format ? { format: v.format } : {}) });
    else el.push({ type: 'text', x: 64, y: y + 2, w: 124, text: v.text, size: 10 });
    y += h;
  }
  void top;
  y += 3;
  if (o.kyoji) {
    el.push({ type: 'textbox', x: 20, y, w: 170, h: 34, text: kyoji(o.kyoji), size: 8, minSize: 6, lineHeight: 1.35,
      ...(o.kyojiIf ? { if: o.kyojiIf } : {}) });
    y += 36;
  }
  if (y > 258) throw new Error(`${o.code}: the table runs to ${y} mm`);
  // foot: office, QR
  el.push({ type: 'line', x: 20, y: 260, x2: 190, y2: 260, width: 0.2 });
  el.push({ type: 'qr', x: 20, y: 263, size: 18, code: true });
  txt(45, 264, { w: 145, text: '（担当）{担当課}', size: 9 });
  txt(45, 270, { w: 145, text: '世田谷区役所　代表電話 03-5432-1111', size: 9 });
  txt(45, 276, { w: 145, text: 'この文書の真正性は、左のQRコード又は区ホームページの文書確認ページで確認できます。', size: 7.5 });
  return {
    template: {
      code: o.code,
      name: o.name,
      kind: 'record',
      page: { size: 'A4', orientation: 'portrait', margin: [15, 15, 15, 15] },
      font: 'mincho',
      size: 10.5,
      fileName: o.fileName || `{受付番号}_{帳票名}`,
      verify: true,
      ...(o.auto ? { auto: o.auto } : {}),
      elements: el,
    },
    ...(o.notes ? { notes: o.notes } : {}),
  };
}

// common 記 rows
export const R = {
  site: ['敷地の所在・地番', { boxText: '世田谷区{町名}{丁目}{地番}', h: 10 }],
  receipt: ['受付番号', { field: '受付番号' }],
  received: ['受付日', { field: '受付日', format: { date: 'wareki' } }],
  arrived: ['申請（届出）日', { field: '到達日', format: { date: 'wareki' } }],
  bldg: ['建築物の概要', { text: '{構造}　地上{地上階数}階・地下{地下階数}階　{主要用途}' }],
  areas: ['面積', { text: '敷地 {敷地面積}㎡　建築 {建築面積}㎡　延べ {延べ面積}㎡' }],
  height: ['高さ', { text: '最高高さ {最高高さ}m　最高軒高 {最高軒高}m' }],
  result: ['審査結果', { field: '審査結果' }],
  notice: (label = '通知事項', h = 30) => [label, { box: '通知事項', h }],
};
