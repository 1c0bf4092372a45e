// Generates packs/setagaya/apps/<code>/ (app.json, forms/*.json, forms/*.samples.json,
// templates/*.json) for the seven procedures of the reference (§1–§11). Run:
//   node tools/pack-gen-setagaya/main.mjs [packdir]
// The JSON it writes is the pack; edit the JSON or this generator, not both (regenerating
// overwrites the JSON).
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as C from './common.mjs';
import * as FM from './forms.mjs';
import { doc, R } from './templates.mjs';

const { T, ML, AREA, LEN, PCT, INT, DD, RB, CB, D, CALC } = C;
const fe = FM.fe;
const req = { required: true };
const here = dirname(fileURLToPath(import.meta.url));
const PACK = process.argv[2] || join(here, '..', '..', 'packs', 'setagaya');

const write = (path, obj) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(obj, null, 2) + '\n');
};

/* One app: its own fields (tab 'own'), attachments, staff settings. */
function app(p) {
  const staff = C.staffFields({ results: p.results, permit: p.permit, kinds: p.kinds, defaultDecider: '課長' });
  const kindField = staff[0].code === '届出種別' ? [staff.shift()] : [];
  const { fields, layout } = C.assemble(kindField, [
    { code: 'タブ_申請者', label: p.who === '届出者' ? '届出者' : '申請者', fields: C.applicantFields() },
    { code: 'タブ_建築場所', label: '建築場所・建築物', fields: [...C.siteFields(), ...C.buildingFields(), ...C.scheduleFields()] },
    { code: 'タブ_内容', label: p.ownTab, fields: p.own },
    { code: 'タブ_添付', label: '添付図書', fields: C.attachmentFields(p.attachments) },
    { code: 'タブ_審査', label: '審査', fields: staff },
  ]);
  const active = ['受付', '審査中', '修正待ち', '係長確認', ...(p.shinsa ? ['審査係長確認'] : []), '課長決裁', '部長決裁'];
  const final = ['決裁完了', ...(p.permit ? ['不許可'] : []), '取下げ'];
  return {
    code: p.code,
    name: p.name,
    description: p.description,
    fields,
    layout,
    views: C.views({ active, final, kindField: kindField.length > 0 }),
    settings: {
      recordRules: C.recordRules({ permit: p.permit, reviewStatuses: ['審査中', '係長確認', ...(p.shinsa ? ['審査係長確認'] : []), '課長決裁', '部長決裁'], extra: p.rules || [] }),
      kpiOfficeField: '担当課',
    },
    status: C.processDef({
      seq: `setagaya:${p.code}`, receiptFormat: p.receiptFormat, docFormat: p.docFormat, permitFormat: p.permitFormat,
      permit: p.permit, shinsa: p.shinsa, kakarichoDecides: p.kakarichoDecides, okCond: p.okCond,
    }),
    clock: C.clockDef(p.days, p.permit),
    acl: C.appAcl(p.viewers || []),
    recordAcl: p.code === 'toshikei53' ? C.recordAcl53() : C.recordAclBranch(p.viewers || []),
    fieldAcl: C.fieldAcl({ permit: p.permit }),
    routing: p.code === 'toshikei53'
      ? { siteField: ['地域', '町名', '丁目'], officeField: '担当課', fixedOffice: 'toshikeikaku' }
      : { siteField: ['地域', '町名', '丁目'], officeField: '担当課', checkField: '要確認', checkValue: '境界の町丁目（窓口要確認）' },
    notes: p.notes,
  };
}

const agentAtt = ['A10', false];
const base3 = (who) => [FM.applicantPage(who)];
const siteOnly = (title = '建築場所') => ({ title, sections: [FM.siteSection(title)] });
const sitePage = () => ({ title: '建築場所・地域地区', sections: [FM.siteSection(), FM.zoningSection()] });
const bldgPage = (sched) => ({ title: '建築物・予定日', sections: [FM.buildingSection(), FM.scheduleSection(sched)] });
const sampleBase = { ...FM.sampleApplicant, ...FM.sampleSite };
const sampleFull = { ...sampleBase, ...FM.sampleZoning, ...FM.sampleBuilding, ...FM.sampleSchedule };
const invalidFull = [...FM.invalidApplicant, ...FM.invalidSite, ...FM.invalidBuilding];
const invalidBase = [...FM.invalidApplicant, ...FM.invalidSite];
// the valid samples have an agent (代理人あり): the 委任状 is required then
const files = (list) => Object.fromEntries(list.filter(([c, r]) => r === true || c === 'A10').map(([c]) => [C.ATT[c][0], FM.PDF]));
const out = { apps: [], forms: 0, templates: 0 };

/* Rules every form field gets from its app field: choices are checked at each step (not only
 * at submission) and dates must be real dates (the date check runs when a bound is set). */
function tighten(a, def) {
  for (const p of def.form.pages) for (const s of p.sections) for (const f of s.fields) {
    const af = a.fields[f.code];
    if (!af) throw new Error(`${def.form.code}: ${f.code} is not a field of ${a.code}`);
    const r = f.rules = { ...f.rules }; // rule objects are shared between entries
    if (['RADIO_BUTTON', 'DROP_DOWN', 'CHECK_BOX', 'MULTI_SELECT'].includes(af.type) && !r.options && !r.optionsFrom && !r.optionsTree)
      r.options = Object.keys(af.options);
    if (af.type === 'DATE' && !r.minDate && !r.maxDate) r.maxDate = '2099-12-31';
  }
}

function emit(a, forms, templates) {
  forms.forEach((f) => tighten(a, f.def));
  const dir = join(PACK, 'apps', a.code);
  rmSync(dir, { recursive: true, force: true });
  write(join(dir, 'app.json'), a);
  for (const f of forms) {
    write(join(dir, 'forms', `${f.def.form.code}.json`), f.def);
    write(join(dir, 'forms', `${f.def.form.code}.samples.json`), f.samples);
    out.forms++;
  }
  for (const t of templates) {
    write(join(dir, 'templates', `${t.template.code}.json`), t);
    out.templates++;
  }
  out.apps.push(a.code);
}

const DEADLINE_30 = '建築確認申請の前、かつ行為に着手する日の30日前までに届け出てください。届出は区に到達した日（閉庁日の場合は翌開庁日）に届出があったものとして受け付けます。期限を過ぎていても届出は受け付けます。';
const START_30 = '届出日の翌日から起算して30日を経過した日以後としてください（これより早い場合も届出は受け付け、担当から連絡します）。';

// =========================================================================================
// 1. 都市計画法第53条 許可申請 (§3) — 都市計画課, 許可, 1 form / 1 template
// =========================================================================================
{
  const own = [
    DD('都市計画施設の種類', '都市計画施設等の種類', ['道路', '公園・緑地', '都市高速鉄道', '都市高速道路', '河川', 'その他の都市施設', '市街地開発事業']),
    T('都市計画施設の名称', '都市計画施設等の名称', { maxLength: '100' }),
    AREA('区域内の敷地面積', '敷地のうち区域内の面積'),
    ML('区域にかかる部分', '建築物のうち区域にかかる部分'),
    RB('移転除却の容易性', '移転又は除却の容易性', ['容易', 'その他'], '容易'),
    ML('移転除却の説明', '移転又は除却についての説明'),
    T('地階の有無', '地階の有無（自動判定）', { expression: 'IF(地下階数>0, "あり", "なし")', hideExpression: false }),
    T('基準の目安', '54条基準の目安（自動判定・判断は職員）', {
      expression: 'IF(AND(地下階数=0, 地上階数<=2, OR(構造="木造", 構造="鉄骨造", 構造="コンクリートブロック造")), "54条基準内", IF(AND(地下階数=0, 地上階数<=3, 最高高さ<=10, OR(構造="木造", 構造="鉄骨造", 構造="コンクリートブロック造")), "緩和基準内（要確認）", "基準外（要相談）"))',
      hideExpression: false,
    }),
    ML('その他必要な事項', 'その他必要な事項'),
  ];
  const att = [['A01', true], ['A02', false], ['A03', true], ['A18', true], ['A04', true], ['A05', true], ['A06', true], ['A07', true], ['A08', true], agentAtt, ['A19', false], ['A99', false]];
  const a = app({
    code: 'toshikei53', name: '都市計画法第53条許可申請', who: '申請者', ownTab: '申請内容',
    description: '都市計画施設の区域内等における建築の許可（都市計画法第53条第1項）。受付・審査は都市整備政策部 都市計画課。',
    own, attachments: att.map(([c]) => c), results: ['許可', '不許可'], permit: true, shinsa: true,
    receiptFormat: '{reiwa}世都計53第{n:4}号', docFormat: '{reiwa}世都計第{n:4}号', permitFormat: '{reiwa}都計53許第{n:4}号', days: 10,
    rules: [{ effect: 'hide', fields: ['移転除却の説明'], when: { not: { field: '移転除却の容易性', op: 'eq', value: 'その他' } } }],
    notes: {
      'clock.days': '推定: 標準処理期間10開庁日（他区の例「おおむね1〜2週間」）。区の公表値に合わせて変更。',
      'status': '推定: 担当→係長→審査係長→都市計画課長（専決）。基準外・大規模は決裁区分「部長」で都市整備政策部長へ（§3.4, §10.2）。',
      'status.receiptFormat': '推定: 受付番号「8世都計53第0001号」（年度+略号+連番）。略号は要確認（§11.3）。',
      'fields.基準の目安': '推定: 東京都の緩和運用（3階・10m）に準じた目安表示。判断は職員。',
      'recordAcl': '敷地の地域の総合支所（街づくり課）に閲覧を共有（§10.2 情報共有）。',
    },
  });
  const pages = [
    ...base3('申請者'), sitePage(), bldgPage({ kakunin: true }),
    { title: '申請内容', sections: [{ title: '都市計画施設等', fields: [
      fe('都市計画施設の種類', req),
      fe('都市計画施設の名称', { ...req, maxLength: 100 }, { help: '例: 東京都市計画道路 補助線街路第○号線' }),
      fe('区域内の敷地面積', { ...req, min: 0, max: 1000000 }, { label: '敷地のうち区域内の面積（㎡）' }),
      fe('区域にかかる部分', { ...req, maxLength: 1000 }, { help: 'かかる階・部分を記入' }),
      fe('移転除却の容易性', req),
      fe('移転除却の説明', { maxLength: 1000 }, { showIf: { field: '移転除却の容易性', op: 'eq', value: 'その他' }, requiredIf: { field: '移転除却の容易性', op: 'eq', value: 'その他' } }),
      fe('その他必要な事項', { maxLength: 2000 }),
    ] }] },
    FM.attachmentPage(att),
  ];
  const f = {
    def: FM.form({
      code: 'toshikei53-kyoka', app: 'toshikei53', title: '都市計画法第53条第1項の規定による建築許可申請',
      procedure: '都市計画・街づくり',
      description: '都市計画施設（都市計画道路・公園等）の区域内又は市街地開発事業の施行区域内で建築物を建築する場合の許可申請です。',
      prepare: '案内図、配置図（区域線を記入）、敷地求積図、各階平面図、立面図、断面図（2面以上）、床面積求積図（すべてPDF、A4又はA3）',
      deadlineNote: '建築確認申請の前に許可を受けてください（許可書の写しを確認申請に添付します）。',
      receiptFormat: 'R{reiwa}-T53-{n:6}', pages,
      notes: ['様式名は推定（§3.2）。添付図書の縮尺は他区（板橋区）の例。'],
    }),
    samples: {
      valid: { ...sampleFull, '都市計画施設の種類': '道路', '都市計画施設の名称': '東京都市計画道路 補助線街路第52号線',
        '区域内の敷地面積': '35.20', '区域にかかる部分': '1階及び2階の南側部分', '移転除却の容易性': '容易', ...files(att) },
      invalid: [...invalidFull,
        { field: '都市計画施設の名称', value: '', why: '必須' },
        { field: '移転除却の説明', value: '', why: '「その他」のとき説明は必須', with: { '移転除却の容易性': 'その他' } },
        { field: '区域内の敷地面積', value: '-1', why: '面積は0以上' }],
    },
  };
  const t = doc({
    code: 'd53-kyoka', name: '建築許可書（都市計画法第53条）', title: '建　築　許　可　書',
    subtitle: '（都市計画法第53条第1項）',
    body: '　{到達日:wareki}付けで申請のあった建築について、都市計画法第53条第1項の規定により、下記の条件を付して許可します。',
    rows: [['許可番号', { field: '許可番号' }], ['許可年月日', { field: '決裁日', format: { date: 'wareki' } }], R.receipt, R.site,
      ['都市計画施設等', { text: '{都市計画施設の種類}　{都市計画施設の名称}' }], R.bldg, R.areas, R.height,
      ['許可の条件', { box: '通知事項', h: 32 }]],
    kyoji: '東京都知事',
    auto: [{ status: '決裁完了', deliver: true }],
    fileName: '{受付番号}_{帳票名}',
    notes: ['推定: 様式・条件文は他区例（§3.3）。審査請求先は要確認（事務処理特例による自治事務の処分は東京都知事、地方自治法252条の17の4）。',
      '不許可は「不許可」ステータスで通知（帳票枚数1のため別帳票は作らない。必要なら本テンプレートを複製）。'],
  });
  emit(a, [f], [t]);
}

// =========================================================================================
// 2./3. 地区計画等・地区街づくり計画の届出 (§4, §5)
// =========================================================================================
function chikuOwn(kind) {
  const bosai = kind === 'keikaku';
  return [
    RB('届出不要の確認', '届出不要な行為への該当', ['該当しない', '該当する（通常の管理行為・非常災害の応急措置等）'], '該当しない'),
    RB('計画の種類', '計画の種類', bosai ? ['地区計画', '防災街区整備地区計画', '沿道地区計画'] : ['地区街づくり計画'], bosai ? '地区計画' : '地区街づくり計画'),
    T('計画の名称', bosai ? '地区計画等の名称' : '地区街づくり計画の名称', { maxLength: '100' }),
    T('地区区分', '地区整備計画等の地区区分', { maxLength: '50' }),
    CB('行為の種別', '行為の種別', ['土地の区画形質の変更', '建築物の建築', '工作物の建設', '建築物等の用途の変更', '建築物等の形態又は意匠の変更', '木竹の伐採', 'その他']),
    AREA('区画形質変更面積', '区画形質の変更に係る区域の面積'),
    CB('建築行為の別', '建築・建設の別', ['新築', '増築', '改築', '移転']),
    RB('最低敷地面積', '敷地面積の最低限度への適合', ['制限なし', '適合', '既存不適格等'], '制限なし'),
    ML('最低敷地面積の説明', '敷地面積の最低限度についての説明'),
    LEN('道路境界からの後退', '壁面の位置（道路境界からの後退距離）'),
    LEN('隣地境界からの後退', '壁面の位置（隣地境界からの後退距離）'),
    ML('形態意匠', '形態・意匠（外壁・屋根の色彩マンセル値、屋根形状、屋外広告物）'),
    DD('垣又はさくの構造', '垣又はさくの構造', ['生垣', '透視可能なフェンス', 'その他', '設置しない']),
    LEN('垣又はさくの高さ', '垣又はさくの高さ'),
    ...(bosai ? [] : [ML('緑化の計画', '緑化の計画（地区街づくり計画で定める場合）')]),
    T('変更前の用途', '変更前の用途', { maxLength: '100' }),
    T('変更後の用途', '変更後の用途', { maxLength: '100' }),
    AREA('用途変更部分の面積', '用途変更部分の延べ面積'),
    ML('形態意匠の変更内容', '形態又は意匠の変更の内容'),
    AREA('伐採面積', '木竹の伐採面積'),
    INT('伐採本数', '木竹の伐採本数', { unit: '本' }),
    ...(bosai ? [ML('防災上の構造', '耐火・準耐火等の構造、間口率、高さの最低限度（防災街区整備地区計画）'),
      ML('遮音防音構造', '遮音・防音上有効な構造、間口率、高さの最低限度（沿道地区計画）')] : []),
    T('当初届出の受付番号', '当初届出の受付番号（変更届）', { maxLength: '40' }),
    D('当初届出日', '当初届出の日（変更届）'),
    ML('変更の内容', '変更の内容・理由（変更届）'),
  ];
}
const actIs = (v) => ({ field: '行為の種別', op: 'eq', value: v });
function chikuActPage(kind, variant, change) {
  const fields = [
    fe('計画の名称', { ...req, maxLength: 100 }, { help: kind === 'keikaku' ? '区の都市計画図・地区計画一覧で確認できます（例: 太子堂二・三丁目地区地区計画）。' : '例: ○○地区地区街づくり計画' }),
    fe('地区区分', { maxLength: 50 }, { help: '例: A地区、沿道地区' }),
    fe('行為の種別', req),
    fe('区画形質変更面積', { min: 0, max: 1000000 }, { showIf: actIs('土地の区画形質の変更'), requiredIf: actIs('土地の区画形質の変更'), label: '区画形質の変更に係る区域の面積（㎡）' }),
    fe('建築行為の別', {}, { showIf: { any: [actIs('建築物の建築'), actIs('工作物の建設')] }, requiredIf: { any: [actIs('建築物の建築'), actIs('工作物の建設')] } }),
    fe('最低敷地面積', {}, { showIf: actIs('建築物の建築') }),
    fe('最低敷地面積の説明', { maxLength: 1000 }, { showIf: { field: '最低敷地面積', op: 'eq', value: '既存不適格等' }, requiredIf: { field: '最低敷地面積', op: 'eq', value: '既存不適格等' } }),
    fe('道路境界からの後退', { min: 0, max: 100 }, { showIf: actIs('建築物の建築'), label: '道路境界からの後退距離（m）' }),
    fe('隣地境界からの後退', { min: 0, max: 100 }, { showIf: actIs('建築物の建築'), label: '隣地境界からの後退距離（m）' }),
    fe('形態意匠', { maxLength: 1000 }, { showIf: { any: [actIs('建築物の建築'), actIs('工作物の建設')] } }),
    fe('垣又はさくの構造', {}),
    fe('垣又はさくの高さ', { min: 0, max: 10 }, { showIf: { field: '垣又はさくの構造', op: 'in', value: ['生垣', '透視可能なフェンス', 'その他'] }, label: '垣又はさくの高さ（m）' }),
    ...(kind === 'machi' ? [fe('緑化の計画', { maxLength: 1000 })] : []),
    fe('変更前の用途', { maxLength: 100 }, { showIf: actIs('建築物等の用途の変更'), requiredIf: actIs('建築物等の用途の変更') }),
    fe('変更後の用途', { maxLength: 100 }, { showIf: actIs('建築物等の用途の変更'), requiredIf: actIs('建築物等の用途の変更') }),
    fe('用途変更部分の面積', { min: 0, max: 1000000 }, { showIf: actIs('建築物等の用途の変更'), label: '用途変更部分の延べ面積（㎡）' }),
    fe('形態意匠の変更内容', { maxLength: 1000 }, { showIf: actIs('建築物等の形態又は意匠の変更'), requiredIf: actIs('建築物等の形態又は意匠の変更') }),
    fe('伐採面積', { min: 0, max: 1000000 }, { showIf: actIs('木竹の伐採'), label: '伐採面積（㎡）' }),
    fe('伐採本数', { min: 0, max: 100000, pattern: '[0-9０-９]+' }, { showIf: actIs('木竹の伐採'), requiredIf: actIs('木竹の伐採') }),
    ...(variant === '防災街区整備地区計画' ? [fe('防災上の構造', { ...req, maxLength: 1000 })] : []),
    ...(variant === '沿道地区計画' ? [fe('遮音防音構造', { ...req, maxLength: 1000 })] : []),
  ];
  const sections = [{ title: '行為の内容', fields }];
  if (change) sections.unshift({ title: '変更届', fields: [
    fe('当初届出の受付番号', { ...req, maxLength: 40 }, { help: '当初の届出の受付番号（受付完了メールに記載）' }),
    fe('当初届出日', req),
    fe('変更の内容', { ...req, maxLength: 2000 }, { help: '変更前と変更後、変更の理由' }),
  ] });
  return { title: '行為の内容', sections };
}
function chikuForm(appCode, kind, variant, change, code, receiptTag) {
  const what = `${variant}の区域内における行為の${change ? '変更届出' : '届出'}`;
  const kindLabel = `${variant}の${change ? '変更届' : '届出'}`;
  const att = [['A01', true], ['A03', true], ['A04', true], ['A05', true], ['A06', true], ['A07', false], ['A08', true], ['A09', false],
    ['A17', actIs('土地の区画形質の変更')], agentAtt, ['A99', false]];
  const pages = [
    { title: '届出の前に', sections: [{ title: '届出の要否', fields: [
      fe('届出不要の確認', req, { help: '通常の管理行為、非常災害のための応急措置、国・地方公共団体の行為、都市計画事業の施行として行う行為、開発許可を要する行為等は届出不要です。該当するか分からない場合は「該当しない」を選んで届け出てください（届出は受け付けます）。' }),
      fe('計画の種類', {}, { compute: variant }),
      fe('届出種別', {}, { compute: kindLabel }),
    ] }] },
    ...base3('届出者'), sitePage(), bldgPage({ kakunin: true, startHelp: START_30 }),
    chikuActPage(kind, variant, change),
    FM.attachmentPage(att),
  ];
  const valid = { ...sampleFull, '届出不要の確認': '該当しない', '計画の名称': kind === 'keikaku' ? '太子堂二・三丁目地区地区計画' : '太子堂地区地区街づくり計画',
    '地区区分': 'A地区', '行為の種別': ['建築物の建築'], '建築行為の別': ['新築'], '最低敷地面積': '適合',
    '道路境界からの後退': '1.00', '隣地境界からの後退': '0.50', '形態意匠': '外壁 10YR 8/2、屋根 N4（切妻）', '垣又はさくの構造': '生垣', '垣又はさくの高さ': '1.20',
    ...(variant === '防災街区整備地区計画' ? { '防災上の構造': '準耐火建築物（イ準耐）、間口率0.7' } : {}),
    ...(variant === '沿道地区計画' ? { '遮音防音構造': '道路に面する開口部に防音サッシ（T-2）' } : {}),
    ...(change ? { '当初届出の受付番号': 'R8-CHK-000012', '当初届出日': '2026-10-01', '変更の内容': '外壁色彩の変更（10YR 8/2 → 5Y 8/1）。施主の意向による。' } : {}),
    ...files(att) };
  return {
    def: FM.form({
      code, app: appCode, title: what, procedure: '都市計画・街づくり',
      description: `${variant}が定められた区域内で、建築物の建築・土地の区画形質の変更等を行う場合の${change ? '届出内容の変更の届出' : '届出'}です（${kind === 'keikaku' ? (variant === '地区計画' ? '都市計画法第58条の2' : variant === '防災街区整備地区計画' ? '密集市街地整備法' : '幹線道路の沿道の整備に関する法律') : '世田谷区街づくり条例'}）。`,
      prepare: '案内図、配置図、敷地求積図、各階平面図、立面図（色彩の制限がある地区は着色）、床面積求積図（PDF、A4又はA3）',
      deadlineNote: DEADLINE_30, receiptFormat: `R{reiwa}-${receiptTag}-{n:6}`, pages,
      notes: [`推定: 様式構成（§${kind === 'keikaku' ? '4.2' : '5.2'}）。根拠条文（密集法・沿道法の届出条文）は要確認。`],
    }),
    samples: {
      valid,
      invalid: [...invalidFull,
        { field: '行為の種別', value: [], why: '行為の種別は必須' },
        { field: '伐採本数', value: '', why: '木竹の伐採を選んだときは本数が必須', with: { '行為の種別': ['木竹の伐採'] } },
        ...(change ? [{ field: '当初届出の受付番号', value: '', why: '変更届は当初届出の受付番号が必須' }] : [])],
    },
  };
}
{
  const kinds = ['地区計画の届出', '地区計画の変更届', '防災街区整備地区計画の届出', '防災街区整備地区計画の変更届', '沿道地区計画の届出', '沿道地区計画の変更届'];
  const a = app({
    code: 'chikukeikaku', name: '地区計画の届出', who: '届出者', ownTab: '行為の内容',
    description: '地区計画・防災街区整備地区計画・沿道地区計画の区域内における行為の届出（都市計画法第58条の2ほか）。受付は建築場所の総合支所 街づくり課。届出は到達主義（受理拒否はしない）。',
    own: chikuOwn('keikaku'), kinds, attachments: ['A01', 'A03', 'A04', 'A05', 'A06', 'A07', 'A08', 'A09', 'A17', 'A10', 'A99'],
    results: ['適合', '助言・指導あり', '不適合（勧告を検討）'], permit: false, shinsa: null, kakarichoDecides: true,
    receiptFormat: '{reiwa}世街地計第{n:4}号', docFormat: '{reiwa}世街地計発第{n:4}号', days: 10,
    notes: {
      'clock.days': '推定: 届出に法定の標準処理期間はない。着手30日前の届出に対し、適合確認を10開庁日で行う区の目標として設定。',
      'status': '推定: 担当→係長→街づくり課長（供覧・確認）。係長確認で足りる運用のため決裁区分「係長」も選べる（§4.4, §10.2）。勧告は別途起案。',
      'forms': '推定: 3種（地区計画・防災街区整備地区計画・沿道地区計画）×（届出・変更届）＝6（§4.2）。帳票0: 受付印付き副本は帳票テンプレート外。',
      'status.receiptFormat': '推定: 略号「世街地計」は要確認。窓口別の連番は未対応（手続ごとの連番）。',
    },
  });
  const forms = [
    chikuForm('chikukeikaku', 'keikaku', '地区計画', false, 'chiku-todoke', 'CHK'),
    chikuForm('chikukeikaku', 'keikaku', '地区計画', true, 'chiku-henko', 'CHK'),
    chikuForm('chikukeikaku', 'keikaku', '防災街区整備地区計画', false, 'bosai-todoke', 'CHK'),
    chikuForm('chikukeikaku', 'keikaku', '防災街区整備地区計画', true, 'bosai-henko', 'CHK'),
    chikuForm('chikukeikaku', 'keikaku', '沿道地区計画', false, 'endo-todoke', 'CHK'),
    chikuForm('chikukeikaku', 'keikaku', '沿道地区計画', true, 'endo-henko', 'CHK'),
  ];
  emit(a, forms, []);
}
{
  const kinds = ['地区街づくり計画の届出', '地区街づくり計画の変更届'];
  const a = app({
    code: 'chikumachi', name: '地区街づくり計画の届出', who: '届出者', ownTab: '行為の内容',
    description: '地区街づくり計画の区域内における行為の届出（世田谷区街づくり条例）。受付は建築場所の総合支所 街づくり課。届出は到達主義（受理拒否はしない）。',
    own: chikuOwn('machi'), kinds, attachments: ['A01', 'A03', 'A04', 'A05', 'A06', 'A07', 'A08', 'A09', 'A17', 'A10', 'A99'],
    results: ['適合', '助言・指導あり'], permit: false, shinsa: null, kakarichoDecides: true,
    receiptFormat: '{reiwa}世街まち第{n:4}号', docFormat: '{reiwa}世街まち発第{n:4}号', days: 10,
    notes: {
      'clock.days': '推定: 10開庁日（区の目標値として）。',
      'status': '推定: 担当→係長→街づくり課長（専決）（§5.4）。',
      'templates': '推定: DMC-1 届出に係る通知書、DMC-2 変更届出に係る通知書（§5.3）。代替解釈（助言・指導書／勧告書）でも構造は同じ。',
    },
  });
  const forms = [
    chikuForm('chikumachi', 'machi', '地区街づくり計画', false, 'machi-todoke', 'MCK'),
    chikuForm('chikumachi', 'machi', '地区街づくり計画', true, 'machi-henko', 'MCK'),
  ];
  const body = (chg) => `　{到達日:wareki}付けで届出のあった地区街づくり計画の区域内における行為${chg ? 'の変更' : ''}について、世田谷区街づくり条例に基づき審査した結果を下記のとおり通知します。`;
  const rows = (chg) => [R.receipt, ...(chg ? [['当初届出の受付番号', { field: '当初届出の受付番号' }]] : []), R.site,
    ['地区街づくり計画', { text: '{計画の名称}　{地区区分}' }], ['行為の種別', { field: '行為の種別' }], R.bldg, R.result,
    ['助言・指導事項', { box: '通知事項', h: chg ? 40 : 49 }]];
  const templates = [
    doc({ code: 'dmc-1', name: '地区街づくり計画区域内行為届出に係る通知書', title: '地区街づくり計画区域内行為届出に係る通知書', titleSize: 14,
      body: body(false), rows: rows(false), notes: ['推定（§5.3）。処分ではないため教示文なし。'] }),
    doc({ code: 'dmc-2', name: '地区街づくり計画区域内行為変更届出に係る通知書', title: '地区街づくり計画区域内行為変更届出に係る通知書', titleSize: 14,
      body: body(true), rows: rows(true), notes: ['推定（§5.3）。当初届出番号を併記。'] }),
  ];
  emit(a, forms, templates);
}

// =========================================================================================
// 4. 中高層建築物等の条例に基づく届出 (§6) — 4 forms / 0 templates
// =========================================================================================
{
  const own = [
    T('設計者氏名', '設計者の氏名', { maxLength: '60' }),
    T('設計者事務所', '設計者の事務所', { maxLength: '100' }),
    T('工事施工者', '工事施工者', { maxLength: '100' }),
    CB('工事施工者未定', '工事施工者の未定', ['未定']),
    D('標識設置日', '標識の設置日'),
    INT('標識設置箇所数', '標識の設置箇所数', { unit: '箇所', maxValue: '20' }),
    CB('説明方法', '説明の方法', ['説明会', '戸別説明', '資料の投函']),
    T('近隣関係住民の範囲', '近隣関係住民の範囲', { maxLength: '200' }),
    T('親受付番号', '標識設置届の受付番号', { maxLength: '40' }),
    D('説明開始日', '説明の実施期間（開始）'),
    D('説明終了日', '説明の実施期間（終了）'),
    INT('説明対象世帯数', '説明対象の世帯数', { unit: '世帯' }),
    INT('説明済み世帯数', '説明済みの世帯数', { unit: '世帯' }),
    INT('不在世帯数', '不在の世帯数', { unit: '世帯' }),
    INT('資料投函世帯数', '資料投函の世帯数', { unit: '世帯' }),
    ML('主な意見と対応', '主な意見・要望と建築主の対応'),
    ML('説明未了の理由', '説明未了の住民がいる場合の理由'),
    ML('変更前の計画', '変更前の計画（高さ・配置・戸数・工期等）'),
    ML('変更後の計画', '変更後の計画'),
    ML('変更理由', '変更の理由'),
    ML('再周知の方法', '近隣への再周知の有無と方法'),
    D('取りやめ日', '建築計画の取りやめ日'),
    ML('取りやめ理由', '取りやめの理由'),
    D('標識撤去予定日', '標識の撤去予定日'),
  ];
  const kinds = ['標識設置届', '近隣説明等報告書', '計画変更届', '建築計画取りやめ届'];
  const a = app({
    code: 'chukoso', name: '中高層建築物等の条例に基づく届出', who: '建築主', ownTab: '届出の内容',
    description: '世田谷区中高層建築物等の建築に係る紛争の予防と調整に関する条例に基づく届出（標識設置届・近隣説明等報告書・計画変更届・取りやめ届）。受付は建築場所の総合支所 街づくり課。',
    own, kinds, attachments: ['A01', 'A03', 'A05', 'A06', 'A07', 'A11', 'A12', 'A13', 'A20', 'A10', 'A99'],
    results: ['確認済み', '指導事項あり'], permit: false, shinsa: null, kakarichoDecides: true,
    receiptFormat: '{reiwa}世街中高第{n:4}号', docFormat: '{reiwa}世街中高発第{n:4}号', days: 10,
    rules: [{ effect: 'hide', fields: ['工事施工者'], when: { field: '工事施工者未定', op: 'eq', value: '未定' } }],
    notes: {
      'forms': '推定: 標識設置届／近隣説明等報告書／計画変更届／取りやめ届（§6.2）。世田谷区の期日（標識設置は確認申請の何日前か）は要確認。',
      'status': '推定: 担当→係長→課長 供覧（§6.3）。紛争調整は別台帳。',
      'clock.days': '推定: 10開庁日。',
      'privacy': '閲覧用写しは申請者電話番号等をマスク（§11.11）: 閲覧用の出力は帳票外。',
    },
  });
  const who = '建築主';
  const parent = fe('親受付番号', { ...req, maxLength: 40 }, { help: '標識設置届の受付番号' });
  const att1 = [['A01', true], ['A03', true], ['A05', true], ['A06', true], ['A07', true],
    ['A11', { field: '最高高さ', op: 'gt', value: 10 }], ['A12', true], ['A13', true], agentAtt, ['A99', false]];
  const att2 = [['A20', true], ['A12', true], agentAtt, ['A99', false]];
  const att3 = [['A13', true], ['A03', false], agentAtt, ['A99', false]];
  const att4 = [agentAtt, ['A99', false]];
  const kindPage = (k, extra = []) => ({ title: '届出の種別', sections: [{ title: '届出', fields: [fe('届出種別', {}, { compute: k }), ...extra] }] });
  const mk = (code, k, title, description, pages, valid, invalid) => ({
    def: FM.form({ code, app: 'chukoso', title, procedure: '都市計画・街づくり', description,
      prepare: '添付図書はPDF（A4又はA3）で用意してください。', deadlineNote: '標識は建築確認申請の前に設置し、設置後速やかに届け出てください（期日は区の手引きによります）。',
      receiptFormat: 'R{reiwa}-CKS-{n:6}', pages: [kindPage(k), ...pages], notes: ['推定（§6.2）'] }),
    samples: { valid, invalid },
  });
  const sampleParties = { '設計者氏名': '三軒 花子', '設計者事務所': '三軒設計事務所', '工事施工者未定': ['未定'] };
  const forms = [
    mk('chukoso-hyoshiki', '標識設置届', '中高層建築物等の標識設置届', '中高層建築物等を建築する場合に、建築計画のお知らせ（標識）を設置したことの届出です。',
      [...base3(who), { title: '設計者・工事施工者', sections: [{ title: '関係者', fields: [
        fe('設計者氏名', { ...req, maxLength: 60 }), fe('設計者事務所', { maxLength: 100 }),
        fe('工事施工者未定', {}), fe('工事施工者', { maxLength: 100 }, { showIf: { not: { field: '工事施工者未定', op: 'eq', value: '未定' } }, requiredIf: { not: { field: '工事施工者未定', op: 'eq', value: '未定' } } }),
      ] }] }, sitePage(),
      { title: '建築物・予定日', sections: [FM.buildingSection(), FM.scheduleSection({ kakunin: true })] },
      { title: '標識・説明', sections: [{ title: '標識の設置と近隣への説明', fields: [
        fe('標識設置日', req), fe('標識設置箇所数', { ...req, min: 1, max: 20, pattern: '[0-9０-９]+' }),
        fe('説明方法', req), fe('近隣関係住民の範囲', { ...req, maxLength: 200 }, { help: '例: 建築物の高さの2倍の範囲' }),
      ] }] }, FM.attachmentPage(att1)],
      { ...sampleFull, ...sampleParties, '主要用途': '共同住宅', '住戸数': '24', '構造': '鉄筋コンクリート造', '地上階数': '5', '最高高さ': '15.80', '最高軒高': '15.20',
        '建築面積': '108.00', '延べ面積': '420.00', '建築物の名称': '（仮称）太子堂二丁目計画',
        '標識設置日': '2030-03-01', '標識設置箇所数': '2', '説明方法': ['説明会', '戸別説明'], '近隣関係住民の範囲': '建築物の高さの2倍の範囲', ...files(att1), '日影図': FM.PDF },
      [...invalidFull, { field: '標識設置箇所数', value: '0', why: '1箇所以上' }, { field: '日影図', value: '', why: '高さ10m超は日影図が必須' }]),
    mk('chukoso-hokoku', '近隣説明等報告書', '近隣関係住民への説明等報告書', '標識設置後、近隣関係住民へ説明を行った結果の報告です。',
      [...base3(who), siteOnly(), { title: '説明の結果', sections: [{ title: '説明の実施状況', fields: [
        parent, fe('説明方法', req), fe('説明開始日', req), fe('説明終了日', req),
        fe('説明対象世帯数', { ...req, min: 0, max: 100000, pattern: '[0-9０-９]+' }), fe('説明済み世帯数', { ...req, min: 0, max: 100000, pattern: '[0-9０-９]+' }),
        fe('不在世帯数', { min: 0, max: 100000, pattern: '[0-9０-９]+' }), fe('資料投函世帯数', { min: 0, max: 100000, pattern: '[0-9０-９]+' }),
        fe('主な意見と対応', { ...req, maxLength: 4000 }), fe('説明未了の理由', { maxLength: 2000 }),
      ] }] }, FM.attachmentPage(att2)],
      { ...sampleBase, '親受付番号': '8世街中高第0003号', '説明方法': ['説明会'], '説明開始日': '2030-03-10', '説明終了日': '2030-03-20',
        '説明対象世帯数': '40', '説明済み世帯数': '35', '不在世帯数': '5', '資料投函世帯数': '5', '主な意見と対応': '工事車両の通行時間について要望 → 9時〜17時に限定する。', ...files(att2) },
      [...invalidBase, { field: '説明済み世帯数', value: '-1', why: '世帯数は0以上' }, { field: '親受付番号', value: '', why: '必須' }]),
    mk('chukoso-henko', '計画変更届', '中高層建築物等の計画変更届', '標識設置届の後に建築計画を変更する場合の届出です。',
      [...base3(who), siteOnly(), { title: '変更の内容', sections: [{ title: '変更', fields: [
        parent, fe('変更前の計画', { ...req, maxLength: 2000 }), fe('変更後の計画', { ...req, maxLength: 2000 }),
        fe('変更理由', { ...req, maxLength: 2000 }), fe('再周知の方法', { ...req, maxLength: 2000 }),
      ] }] }, FM.attachmentPage(att3)],
      { ...sampleBase, '親受付番号': '8世街中高第0003号', '変更前の計画': '地上5階、高さ15.80m', '変更後の計画': '地上4階、高さ12.80m',
        '変更理由': '近隣要望を受けて階数を減らした。', '再周知の方法': '標識を修正し、変更内容の資料を近隣関係住民に投函。', ...files(att3) },
      [...invalidBase, { field: '変更理由', value: '', why: '必須' }]),
    mk('chukoso-toriyame', '建築計画取りやめ届', '中高層建築物等の建築計画取りやめ届', '標識設置届の後に建築計画を取りやめる場合の届出です。',
      [...base3(who), siteOnly(), { title: '取りやめ', sections: [{ title: '取りやめ', fields: [
        parent, fe('取りやめ日', req), fe('取りやめ理由', { ...req, maxLength: 2000 }), fe('標識撤去予定日', req),
      ] }] }, FM.attachmentPage(att4)],
      { ...sampleBase, '親受付番号': '8世街中高第0003号', '取りやめ日': '2030-06-01', '取りやめ理由': '事業計画の見直しのため。', '標識撤去予定日': '2030-06-10', ...files(att4) },
      [...invalidBase, { field: '取りやめ日', value: '2030-02-30', why: '存在しない日付' }]),
  ];
  emit(a, forms, []);
}

// =========================================================================================
// 5. みどりの基本条例に基づく届出 (§7) — 7 forms / 9 templates
// =========================================================================================
{
  const TARGETS = ['敷地250㎡以上の建築物の新築・増築', '開発行為（都市計画法第29条第1項）', '自動車駐車場（敷地150㎡以上かつ20台以上）',
    '風致地区内（250㎡未満・緑化条件を伴わない許可）', '敷地150㎡以上250㎡未満の建築（風致地区を除く）'];
  const own = [
    RB('届出対象区分', '届出の対象', TARGETS, TARGETS[0]),
    RB('緑化地域の適用', '緑化地域制度の適用', ['適用あり', '適用なし', '不明（区で判断）'], '適用あり'),
    PCT('法定建ぺい率', '法定建ぺい率（角地・防火緩和後）'),
    AREA('必要緑化面積', '必要緑化面積（地上部）'),
    PCT('緑化率の最低限度', '緑化率の最低限度'),
    AREA('地上部緑化面積', '計画緑化面積（地上部）'),
    AREA('屋上緑化面積', '屋上緑化面積'),
    AREA('壁面緑化面積', '壁面緑化面積'),
    CALC('緑化施設面積', '緑化施設面積（合計）', '地上部緑化面積+屋上緑化面積+壁面緑化面積', { unit: '㎡' }),
    CALC('緑化率', '緑化率', 'IF(敷地面積>0, ROUND(緑化施設面積/敷地面積*100, 2), 0)', { unit: '%' }),
    INT('高木本数', '高木の本数', { unit: '本' }),
    INT('中木本数', '中木の本数', { unit: '本' }),
    INT('低木本数', '低木の本数', { unit: '本' }),
    LEN('接道部緑化延長', '接道部緑化の延長'),
    ML('既存樹木の取扱い', '既存樹木の取扱い（樹種・樹高・幹周・保存／移植／伐採）'),
    INT('駐車場収容台数', '自動車駐車場の収容台数', { unit: '台' }),
    T('風致許可の受付番号', '風致地区許可の受付番号', { maxLength: '40' }),
    T('緑化工事施工者', '緑化工事施工者', { maxLength: '100' }),
    D('緑化完了予定日', '緑化工事の完了予定日'),
    T('当初受付番号', '当初の届出の受付番号', { maxLength: '40' }),
    ML('変更の内容', '変更の内容（変更前・変更後）'),
    D('緑化完了日', '緑化工事の完了日'),
    AREA('実績緑化面積', '完了した緑化施設面積'),
    ML('延期理由', '緑化施設の工事を延期する理由'),
    D('延期後の完了予定日', '延期後の完了予定日'),
    ML('取下げ中止の理由', '取下げ・中止の理由'),
  ];
  const kinds = ['みどりの計画書兼緑化率適合証明申請書', 'みどりの計画書兼みどりの計画確認書', 'みどりの計画変更届', '緑化完了届',
    'みどりの計画完了届', '緑化施設工事延期申請', '取下げ・中止届'];
  const a = app({
    code: 'midori', name: 'みどりの基本条例に基づく届出', who: '届出者', ownTab: 'みどりの計画',
    description: 'みどりの計画書（緑化率適合証明申請・みどりの計画確認書）、変更・完了・延期・取下げの届出（世田谷区みどりの基本条例、都市緑地法の緑化地域制度）。受付は建築場所の総合支所 街づくり課（郵送可）。',
    own, kinds, attachments: ['A01', 'A03', 'A04', 'A14', 'A15', 'A09', 'A16', 'A10', 'A99'],
    results: ['適合', '不適合（指導）', '受理'], permit: false, shinsa: null, kakarichoDecides: false,
    viewers: ['midori-seisaku'], // §7.5: みどり政策課 reads (集計・巡回確認)
    receiptFormat: '{reiwa}世街みどり第{n:4}号', docFormat: '{reiwa}世街みどり発第{n:4}号', days: 14,
    rules: [
      { effect: 'hide', fields: ['駐車場収容台数'], when: { not: { field: '届出対象区分', op: 'eq', value: TARGETS[2] } } },
      { effect: 'hide', fields: ['風致許可の受付番号'], when: { not: { field: '届出対象区分', op: 'eq', value: TARGETS[3] } } },
    ],
    notes: {
      'clock.days': '推定: 14開庁日（緑化率適合証明は建築確認・完了検査の前提のため短めに）。',
      'status': '推定: 担当→係長→街づくり課長（専決）（§7.5）。みどり政策課への共有は閲覧権限で（関係課の組織コードは未定）。',
      'fields.必要緑化面積': '推定: 算定式（用途地域別・敷地規模別）は規則・手引きのマスタに依存するため数値入力とし、職員が確認（§7.1）。',
      'forms': 'FMD-1/2 は区ページで確認済みの名称。FMD-3〜7 は推定（§7.2）。',
      'templates': '推定: 9帳票（§7.4）。届出種別ごとに帳票が異なるため自動発行はしない（職員が「文書を作成」）。',
    },
  });
  const who = '届出者';
  const kindPage = (k, extra = []) => ({ title: '届出の種別', sections: [{ title: '届出', fields: [fe('届出種別', {}, { compute: k }), ...extra] }] });
  const tgt = (i) => ({ field: '届出対象区分', op: 'eq', value: TARGETS[i] });
  const planSection = (fixed) => ({ title: 'みどりの計画', fields: [
    fixed ? fe('届出対象区分', {}, { compute: TARGETS[4] }) : fe('届出対象区分', { ...req, options: TARGETS.slice(0, 4) }),
    ...(fixed ? [] : [fe('緑化地域の適用', req)]),
    fe('法定建ぺい率', { ...req, min: 0, max: 100 }, { label: '法定建ぺい率（%）' }),
    fe('必要緑化面積', { ...req, min: 0, max: 1000000 }, { label: '必要緑化面積（地上部、㎡）', help: '「みどりの計画書」手引きの算定式により算出してください。' }),
    ...(fixed ? [] : [fe('緑化率の最低限度', { min: 0, max: 100 }, { label: '緑化率の最低限度（%）', showIf: { field: '緑化地域の適用', op: 'eq', value: '適用あり' } })]),
    fe('地上部緑化面積', { ...req, min: 0, max: 1000000 }, { label: '計画緑化面積（地上部、㎡）' }),
    fe('屋上緑化面積', { min: 0, max: 1000000 }, { label: '屋上緑化面積（㎡）' }),
    fe('壁面緑化面積', { min: 0, max: 1000000 }, { label: '壁面緑化面積（㎡）' }),
    fe('高木本数', { ...req, min: 0, max: 10000, pattern: '[0-9０-９]+' }),
    fe('中木本数', { min: 0, max: 10000, pattern: '[0-9０-９]+' }),
    fe('低木本数', { min: 0, max: 100000, pattern: '[0-9０-９]+' }),
    fe('接道部緑化延長', { min: 0, max: 10000 }, { label: '接道部緑化の延長（m）' }),
    fe('既存樹木の取扱い', { maxLength: 2000 }),
    ...(fixed ? [] : [
      fe('駐車場収容台数', { min: 20, max: 100000, pattern: '[0-9０-９]+' }, { showIf: tgt(2), requiredIf: tgt(2) }),
      fe('風致許可の受付番号', { maxLength: 40 }, { showIf: tgt(3), requiredIf: tgt(3) }),
    ]),
    fe('緑化工事施工者', { maxLength: 100 }, { help: '未定の場合は「未定」' }),
    fe('緑化完了予定日', req),
  ] });
  const parentSec = (extra) => ({ title: '届出の内容', sections: [{ title: '当初の届出', fields: [
    fe('当初受付番号', { ...req, maxLength: 40 }, { help: 'みどりの計画書の受付番号' }), ...extra] }] });
  const samplePlan = { '法定建ぺい率': '60', '必要緑化面積': '54.20', '地上部緑化面積': '60.00', '屋上緑化面積': '10.00', '壁面緑化面積': '0',
    '高木本数': '3', '中木本数': '6', '低木本数': '40', '接道部緑化延長': '6.50', '既存樹木の取扱い': 'ケヤキ1本（樹高12m・幹周1.2m）を保存', '緑化工事施工者': '未定', '緑化完了予定日': '2030-12-20' };
  const big = { ...sampleFull, '敷地面積': '320.00', '建築面積': '150.00', '延べ面積': '280.00' };
  const att1 = [['A01', true], ['A03', true], ['A04', true], ['A14', true], ['A15', false], ['A09', true], agentAtt, ['A99', false]];
  const attChg = [['A14', true], agentAtt, ['A99', false]];
  const attDone = [['A16', true], ['A14', true], agentAtt, ['A99', false]];
  const attOther = [agentAtt, ['A99', false]];
  const mk = (code, k, title, description, pages, valid, invalid, deadline) => ({
    def: FM.form({ code, app: 'midori', title, procedure: 'みどり・緑化', description,
      prepare: '添付図書はPDF（A4又はA3）で用意してください。郵送による届出もできます（副本を返送します）。',
      deadlineNote: deadline || '建築確認申請の前に届け出てください（緑化率は建築基準関係規定です）。',
      receiptFormat: 'R{reiwa}-MD-{n:6}', pages: [kindPage(k), ...pages], notes: ['推定（§7.2, §7.3）'] }),
    samples: { valid, invalid },
  });
  const forms = [
    mk('midori-shomei', kinds[0], 'みどりの計画書兼緑化率適合証明申請書', '敷地250㎡以上の建築物の新築・増築、開発行為、一定の駐車場の設置、風致地区内の一定の建築を行う場合の届出と緑化率適合証明の申請です。',
      [...base3(who), sitePage(), bldgPage({ kakunin: true }), { title: 'みどりの計画', sections: [planSection(false)] }, FM.attachmentPage(att1)],
      { ...big, '届出対象区分': TARGETS[0], '緑化地域の適用': '適用あり', '緑化率の最低限度': '20', ...samplePlan, ...files(att1) },
      [...invalidFull, { field: '届出対象区分', value: TARGETS[4], why: '150〜250㎡は「みどりの計画確認書」の様式' },
        { field: '駐車場収容台数', value: '10', why: '駐車場の対象は20台以上', with: { '届出対象区分': TARGETS[2] } },
        { field: '地上部緑化面積', value: '-3', why: '面積は0以上' }]),
    mk('midori-kakunin', kinds[1], 'みどりの計画書兼みどりの計画確認書', '敷地150㎡以上250㎡未満の建築（風致地区を除く）の場合の届出です。',
      [...base3(who), sitePage(), bldgPage({ kakunin: true }), { title: 'みどりの計画', sections: [planSection(true)] }, FM.attachmentPage(att1)],
      { ...sampleFull, ...samplePlan, ...files(att1) },
      [...invalidFull, { field: '高木本数', value: '1.5', why: '本数は整数' }]),
    mk('midori-henko', kinds[2], 'みどりの計画変更届', 'みどりの計画書の内容を変更する場合の届出（緑化率適合証明の変更を含む）です。',
      [...base3(who), siteOnly(), parentSec([fe('変更の内容', { ...req, maxLength: 4000 }),
        fe('地上部緑化面積', { ...req, min: 0, max: 1000000 }, { label: '変更後の計画緑化面積（地上部、㎡）' }),
        fe('屋上緑化面積', { min: 0, max: 1000000 }), fe('壁面緑化面積', { min: 0, max: 1000000 }), fe('緑化完了予定日', req)]), FM.attachmentPage(attChg)],
      { ...sampleBase, '当初受付番号': '8世街みどり第0010号', '変更の内容': '屋上緑化を10㎡から15㎡に変更', '地上部緑化面積': '60.00', '屋上緑化面積': '15.00', '緑化完了予定日': '2030-12-20', ...files(attChg) },
      [...invalidBase, { field: '当初受付番号', value: '', why: '必須' }], '変更後の工事に着手する前に届け出てください。'),
    mk('midori-kanryo', kinds[3], '緑化完了届（緑化率適合証明申請）', '緑化工事が完了したときの届出と、完了検査に添付する緑化率適合証明の申請です。',
      [...base3(who), siteOnly(), parentSec([fe('緑化完了日', req), fe('実績緑化面積', { ...req, min: 0, max: 1000000 }, { label: '完了した緑化施設面積（㎡）' }),
        fe('地上部緑化面積', { ...req, min: 0, max: 1000000 }), fe('屋上緑化面積', { min: 0, max: 1000000 }), fe('壁面緑化面積', { min: 0, max: 1000000 }),
        fe('高木本数', { ...req, min: 0, max: 10000, pattern: '[0-9０-９]+' }), fe('中木本数', { min: 0, max: 10000, pattern: '[0-9０-９]+' }), fe('低木本数', { min: 0, max: 100000, pattern: '[0-9０-９]+' })]),
        FM.attachmentPage(attDone)],
      { ...sampleBase, '当初受付番号': '8世街みどり第0010号', '緑化完了日': '2030-12-15', '実績緑化面積': '70.00', '地上部緑化面積': '60.00', '屋上緑化面積': '10.00',
        '高木本数': '3', '中木本数': '6', '低木本数': '40', ...files(attDone) },
      [...invalidBase, { field: '緑化完了日', value: '2030/12/15', why: '日付の形式' }], '建築物の完了検査の前に届け出てください。'),
    mk('midori-kakunin-kanryo', kinds[4], 'みどりの計画完了届', 'みどりの計画確認書（150〜250㎡）の緑化が完了したときの届出です。',
      [...base3(who), siteOnly(), parentSec([fe('緑化完了日', req), fe('実績緑化面積', { ...req, min: 0, max: 1000000 }, { label: '完了した緑化施設面積（㎡）' }),
        fe('高木本数', { ...req, min: 0, max: 10000, pattern: '[0-9０-９]+' })]), FM.attachmentPage(attDone)],
      { ...sampleBase, '当初受付番号': '8世街みどり第0011号', '緑化完了日': '2030-12-15', '実績緑化面積': '32.00', '高木本数': '1', ...files(attDone) },
      [...invalidBase, { field: '実績緑化面積', value: '', why: '必須' }], '緑化工事の完了後に届け出てください。'),
    mk('midori-enki', kinds[5], '緑化施設工事延期申請', '建築工事の完了時に緑化施設の工事を完了できない場合の申請です（都市緑地法）。',
      [...base3(who), siteOnly(), parentSec([fe('延期理由', { ...req, maxLength: 2000 }), fe('延期後の完了予定日', { ...req, minDate: 'today' })]), FM.attachmentPage(attOther)],
      { ...sampleBase, '当初受付番号': '8世街みどり第0010号', '延期理由': '植栽の適期（秋季）まで待つため。', '延期後の完了予定日': '2030-11-30', ...files(attOther) },
      [...invalidBase, { field: '延期後の完了予定日', value: '2020-01-01', why: '過去の日付' }], '建築工事の完了前に申請してください。'),
    mk('midori-torisage', kinds[6], 'みどりの計画 取下げ・中止届', 'みどりの計画書の届出を取り下げる、又は計画を中止する場合の届出です。',
      [...base3(who), siteOnly(), parentSec([fe('取下げ中止の理由', { ...req, maxLength: 2000 })]), FM.attachmentPage(attOther)],
      { ...sampleBase, '当初受付番号': '8世街みどり第0010号', '取下げ中止の理由': '建築計画の中止のため。', ...files(attOther) },
      [...invalidBase, { field: '取下げ中止の理由', value: '', why: '必須' }], '計画を中止したときは速やかに届け出てください。'),
  ];
  const body = (what) => `　{到達日:wareki}付けで届出のあった${what}について、世田谷区みどりの基本条例及び都市緑地法に基づき審査した結果、下記のとおり`;
  const green = [['緑化施設面積', { text: '地上部 {地上部緑化面積}㎡　屋上 {屋上緑化面積}㎡　壁面 {壁面緑化面積}㎡（計 {緑化施設面積}㎡）' }],
    ['緑化率', { text: '{緑化率}%（敷地面積 {敷地面積}㎡）' }]];
  const mkT = (code, name, title, b, rows, extra = {}) => doc({ code, name, title, titleSize: 14, body: b, rows, fileName: '{受付番号}_{帳票名}', ...extra });
  const templates = [
    mkT('dmd-1', 'みどりの計画書 受理書', 'みどりの計画書 受理書', body('みどりの計画書') + '受理しました。',
      [R.receipt, R.received, R.site, ['届出の対象', { field: '届出対象区分' }], ...green, R.notice('備考', 30)],
      { notes: ['推定: 受付印付き副本に代わる受理書（§7.4 DMD-1）。'] }),
    mkT('dmd-2', '緑化率適合証明書（計画）', '緑化率適合証明書', body('みどりの計画書兼緑化率適合証明申請書') + '緑化率の最低限度に適合することを証明します。',
      [['証明番号', { field: '文書番号' }], R.receipt, R.site, R.bldg, ...green, ['緑化率の最低限度', { text: '{緑化率の最低限度}%' }], R.notice('備考', 22)],
      { notes: ['推定（§7.4 DMD-2）。建築確認申請に添付。'] }),
    mkT('dmd-3', 'みどりの計画確認書', 'みどりの計画確認書', body('みどりの計画書') + '緑化基準に適合していることを確認しました。',
      [R.receipt, R.site, ...green, ['植栽', { text: '高木 {高木本数}本　中木 {中木本数}本　低木 {低木本数}本' }], R.notice('備考', 30)]),
    mkT('dmd-4', '緑化率適合証明書（変更）', '緑化率適合証明書（変更）', body('みどりの計画変更届') + '変更後の計画が緑化率の最低限度に適合することを証明します。',
      [['証明番号', { field: '文書番号' }], R.receipt, ['当初の受付番号', { field: '当初受付番号' }], R.site, ['変更の内容', { box: '変更の内容', h: 22 }], ...green, R.notice('備考', 18)]),
    mkT('dmd-5', 'みどりの計画確認書（変更）', 'みどりの計画確認書（変更）', body('みどりの計画変更届') + '変更後の計画が緑化基準に適合していることを確認しました。',
      [R.receipt, ['当初の受付番号', { field: '当初受付番号' }], R.site, ['変更の内容', { box: '変更の内容', h: 22 }], ...green, R.notice('備考', 18)]),
    mkT('dmd-6', '緑化率適合証明書（完了）', '緑化率適合証明書（完了）', body('緑化完了届') + '緑化施設が緑化率の最低限度に適合していることを証明します。',
      [['証明番号', { field: '文書番号' }], R.receipt, ['当初の受付番号', { field: '当初受付番号' }], R.site, ['緑化完了日', { field: '緑化完了日', format: { date: 'wareki' } }],
        ['完了した緑化施設面積', { text: '{実績緑化面積}㎡' }], ...green, R.notice('備考', 18)], { notes: ['推定（§7.4 DMD-6）。完了検査に添付。'] }),
    mkT('dmd-7', '緑化完了確認書', '緑化完了確認書', body('みどりの計画完了届') + '緑化の完了を確認しました。',
      [R.receipt, ['当初の受付番号', { field: '当初受付番号' }], R.site, ['緑化完了日', { field: '緑化完了日', format: { date: 'wareki' } }], ['完了した緑化施設面積', { text: '{実績緑化面積}㎡' }], R.notice('備考', 30)]),
    mkT('dmd-8', '緑化施設工事延期承認通知書', '緑化施設の工事の延期に係る承認通知書', body('緑化施設工事延期申請') + '承認します。',
      [R.receipt, ['当初の受付番号', { field: '当初受付番号' }], R.site, ['延期の理由', { box: '延期理由', h: 20 }],
        ['延期後の完了期限', { field: '延期後の完了予定日', format: { date: 'wareki' } }], ['承認の条件', { box: '通知事項', h: 22 }]],
      { kyoji: '世田谷区長', notes: ['推定: 承認（処分）のため教示文を付す（§7.4 DMD-8）。'] }),
    mkT('dmd-9', '緑化基準不適合通知書', '緑化基準不適合通知書（指導）', body('みどりの計画書') + '緑化基準に適合しないため、次の事項について計画を見直すよう通知します。',
      [R.receipt, R.site, ...green, ['必要緑化面積', { text: '{必要緑化面積}㎡' }], ['不適合の内容・指導事項', { box: '通知事項', h: 40 }]],
      { kyoji: '世田谷区長', notes: ['推定: 証明の不交付には理由提示・教示を付す（§7.4）。'] }),
  ];
  emit(a, forms, templates);
}

// =========================================================================================
// 6. 東京都風致地区条例に基づく届出・許可 (§8) — 6 forms / 6 templates
// =========================================================================================
{
  const ACTS = ['建築物の新築・増築・改築・移転', '工作物の新築等', '宅地の造成・土地の開墾その他の土地の形質の変更', '水面の埋立て・干拓',
    '木竹の伐採', '土石類の採取', '建築物等の色彩の変更', '屋外における物件の堆積'];
  const own = [
    DD('風致地区の種別', '風致地区の名称・種別', ['多摩川風致地区（第1種）', '多摩川風致地区（第2種）', '不明（区で判断）']),
    CB('行為の種類', '行為の種類', ACTS, { align: 'VERTICAL' }),
    LEN('道路からの後退距離', '壁面後退距離（道路境界から）'),
    LEN('隣地からの後退距離', '壁面後退距離（隣地境界から）'),
    T('外壁の色彩', '外壁の色彩（マンセル値）', { maxLength: '100' }),
    T('屋根の色彩', '屋根の色彩（マンセル値）', { maxLength: '100' }),
    PCT('計画緑化率', '緑化率（計画）'),
    AREA('形質変更面積', '土地の形質変更の面積'),
    LEN('切土の高さ', '切土の高さ'),
    LEN('盛土の高さ', '盛土の高さ'),
    LEN('擁壁の高さ', '擁壁の高さ'),
    T('伐採する木竹', '伐採する木竹（樹種・樹高・幹周）', { maxLength: '200' }),
    INT('伐採本数', '伐採本数', { unit: '本' }),
    ML('補植計画', '伐採の理由と補植計画'),
    T('協議機関名', '協議する機関の名称', { maxLength: '100' }),
    T('協議担当者', '協議機関の担当者・連絡先', { maxLength: '100' }),
    T('当初許可番号', '当初の許可番号', { maxLength: '40' }),
    ML('変更の内容', '変更の内容（変更前・変更後・理由）'),
    RB('完了等の別', '完了・中止・廃止の別', ['完了', '中止', '廃止'], '完了'),
    D('完了日', '完了（中止・廃止）の日'),
    ML('許可条件の履行状況', '許可条件の履行状況'),
    RB('行為の事由', '行為の事由', ['非常災害のための応急措置', '通常の管理行為等', 'その他'], '非常災害のための応急措置'),
    ML('行為の内容', '行為の内容'),
    D('行為の実施日', '行為の実施日'),
    CB('変更届の種類', '届出の種類', ['許可の承継', '施工者の選定・変更', '行為期間の変更']),
    T('承継人・施工者', '承継人又は施工者の氏名・名称', { maxLength: '100' }),
  ];
  const kinds = ['風致地区内行為許可申請', '風致地区内行為変更許可申請', '風致地区内行為協議', '行為完了・中止・廃止届', '行為の通知', '許可承継・施工者・行為期間変更届'];
  const permitKinds = kinds.slice(0, 3).map((s) => `"${s}"`).join(', ');
  const a = app({
    code: 'fuchi', name: '東京都風致地区条例に基づく届出・許可', who: '申請者', ownTab: '行為の内容',
    description: '多摩川風致地区内の行為の許可申請・変更許可申請・協議と、完了・通知・変更等の届出（東京都風致地区条例）。受付は建築場所の総合支所 街づくり課（主に玉川・砧）。',
    own, kinds, attachments: ['A01', 'A03', 'A04', 'A05', 'A06', 'A07', 'A14', 'A15', 'A17', 'A09', 'A16', 'A10', 'A99'],
    results: ['許可', '不許可', '協議成立', '完了確認', '受理'], permit: true,
    shinsa: { cond: `届出種別 in (${permitKinds})`, not: `届出種別 not in (${permitKinds})` },
    okCond: ' and 審査結果 not in ("不許可")',
    receiptFormat: '{reiwa}世街風致第{n:4}号', docFormat: '{reiwa}世街風致発第{n:4}号', permitFormat: '{reiwa}世風許第{n:4}号', days: 15,
    notes: {
      'clock.days': '推定: 15開庁日（許可基準の審査と現地調査を含む）。',
      'status': '推定: 許可・変更許可・協議は 担当→係長→審査係長→街づくり課長（専決）、届出系は 担当→係長→課長（§8.5, §10.2）。特例的運用・大規模案件は決裁区分「部長」（総合支所長）。',
      'forms': '推定: 6様式（§8.2、神戸市等の様式体系を参考）。許可基準の数値はマスタ管理とし、ここでは固定しない。',
      'templates': '推定: 6帳票（§8.4）。審査請求先は要確認（都条例の事務処理特例による処分は東京都知事）。',
    },
  });
  const kindPage = (k) => ({ title: '申請・届出の種別', sections: [{ title: '種別', fields: [fe('届出種別', {}, { compute: k })] }] });
  const actIsF = (v) => ({ field: '行為の種類', op: 'eq', value: v });
  const bld = actIsF(ACTS[0]);
  const actSection = { title: '行為の内容', fields: [
    fe('風致地区の種別', req),
    fe('行為の種類', req),
    fe('道路からの後退距離', { min: 0, max: 100 }, { showIf: bld, requiredIf: bld, label: '壁面後退距離（道路境界から、m）' }),
    fe('隣地からの後退距離', { min: 0, max: 100 }, { showIf: bld, requiredIf: bld, label: '壁面後退距離（隣地境界から、m）' }),
    fe('外壁の色彩', { maxLength: 100 }, { showIf: { any: [bld, actIsF(ACTS[6])] }, requiredIf: { any: [bld, actIsF(ACTS[6])] }, help: 'マンセル値（例: 10YR 8/2）' }),
    fe('屋根の色彩', { maxLength: 100 }, { showIf: { any: [bld, actIsF(ACTS[6])] } }),
    fe('計画緑化率', { min: 0, max: 100 }, { showIf: bld, requiredIf: bld, label: '緑化率（計画、%）' }),
    fe('形質変更面積', { min: 0, max: 1000000 }, { showIf: actIsF(ACTS[2]), requiredIf: actIsF(ACTS[2]), label: '土地の形質変更の面積（㎡）' }),
    fe('切土の高さ', { min: 0, max: 100 }, { showIf: actIsF(ACTS[2]), label: '切土の高さ（m）' }),
    fe('盛土の高さ', { min: 0, max: 100 }, { showIf: actIsF(ACTS[2]), label: '盛土の高さ（m）' }),
    fe('擁壁の高さ', { min: 0, max: 100 }, { showIf: actIsF(ACTS[2]), label: '擁壁の高さ（m）' }),
    fe('伐採する木竹', { maxLength: 200 }, { showIf: actIsF(ACTS[4]), requiredIf: actIsF(ACTS[4]) }),
    fe('伐採本数', { min: 1, max: 100000, pattern: '[0-9０-９]+' }, { showIf: actIsF(ACTS[4]), requiredIf: actIsF(ACTS[4]) }),
    fe('補植計画', { maxLength: 2000 }, { showIf: actIsF(ACTS[4]), requiredIf: actIsF(ACTS[4]) }),
  ] };
  const attP = [['A01', true], ['A03', true], ['A04', true], ['A05', bld], ['A06', bld], ['A07', bld], ['A14', true], ['A15', false], ['A17', actIsF(ACTS[2])], ['A09', true], agentAtt, ['A99', false]];
  const siteP = { title: '行為の場所', sections: [FM.siteSection('行為の場所'), FM.zoningSection()] };
  const bldgP = { title: '建築物・行為の期間', sections: [FM.buildingSection('建築物の概要（建築を伴う場合）'), FM.scheduleSection({ kakunin: true })] };
  // the building questions are asked only when building (許可申請)
  bldgP.sections[0].showIf = bld;
  const sampleAct = { '風致地区の種別': '多摩川風致地区（第2種）', '行為の種類': [ACTS[0]], '道路からの後退距離': '2.00', '隣地からの後退距離': '1.50',
    '外壁の色彩': '10YR 8/2', '屋根の色彩': 'N4', '計画緑化率': '25' };
  const tamagawa = { '地域': '玉川', '町名': '玉川', '丁目': '三丁目', '地番': '456番7', '住居表示': '4番5号' };
  const mk = (code, k, title, description, pages, valid, invalid, deadline) => ({
    def: FM.form({ code, app: 'fuchi', title, procedure: '都市計画・街づくり', description,
      prepare: '添付図書はPDF（A4又はA3）で用意してください。立面図は色彩を着色してください。',
      deadlineNote: deadline || '行為に着手する前に許可を受けてください。',
      receiptFormat: 'R{reiwa}-FC-{n:6}', pages: [kindPage(k), ...pages], notes: ['推定（§8.2, §8.3）'] }),
    samples: { valid, invalid },
  });
  const parentS = (extra) => ({ title: '届出の内容', sections: [{ title: '当初の許可', fields: [fe('当初許可番号', { ...req, maxLength: 40 }), ...extra] }] });
  const attChg = [['A03', false], ['A06', false], agentAtt, ['A99', false]];
  const attDone = [['A16', true], agentAtt, ['A99', false]];
  const attOther = [['A09', false], agentAtt, ['A99', false]];
  const forms = [
    mk('fuchi-kyoka', kinds[0], '風致地区内行為許可申請', '風致地区内で建築物の建築、宅地の造成、木竹の伐採等を行う場合の許可申請です。',
      [...base3('申請者'), siteP, bldgP, { title: '行為の内容', sections: [actSection] }, FM.attachmentPage(attP)],
      { ...sampleFull, ...tamagawa, ...sampleAct, ...files(attP), '配置図': FM.PDF, '各階平面図': FM.PDF, '立面図': FM.PDF, '断面図': FM.PDF },
      [...invalidFull.filter((x) => !['丁目'].includes(x.field)), { field: '丁目', value: '五丁目', why: '玉川は四丁目まで' },
        { field: '外壁の色彩', value: '', why: '建築を伴うときは必須' }, { field: '計画緑化率', value: '120', why: '緑化率は100%以下' }]),
    mk('fuchi-henko', kinds[1], '風致地区内行為変更許可申請', '許可を受けた行為の内容を変更する場合の許可申請です。',
      [...base3('申請者'), siteOnly('行為の場所'), parentS([fe('変更の内容', { ...req, maxLength: 4000 }), fe('行為の種類', req)]), FM.attachmentPage(attChg)],
      { ...sampleBase, ...tamagawa, '当初許可番号': '8世風許第0005号', '変更の内容': '外壁色彩を 10YR 8/2 から 5Y 8/1 に変更（施主意向）', '行為の種類': [ACTS[6]], ...files(attChg) },
      [...invalidBase.filter((x) => x.field !== '丁目'), { field: '当初許可番号', value: '', why: '必須' }]),
    mk('fuchi-kyogi', kinds[2], '風致地区内行為協議書', '国・地方公共団体等が風致地区内で行う行為の協議です。',
      [...base3('協議者'), { title: '協議機関', sections: [{ title: '協議機関', fields: [fe('協議機関名', { ...req, maxLength: 100 }), fe('協議担当者', { ...req, maxLength: 100 })] }] },
        siteP, bldgP, { title: '行為の内容', sections: [actSection] }, FM.attachmentPage(attP)],
      { ...sampleFull, ...tamagawa, ...sampleAct, '申請者区分': '法人・団体', '申請者氏名': '東京都', '代表者役職': '建設局長', '代表者氏名': '都 建設',
        '協議機関名': '東京都建設局', '協議担当者': '河川部 計画課 03-5320-0000', ...files(attP), '配置図': FM.PDF, '各階平面図': FM.PDF, '立面図': FM.PDF, '断面図': FM.PDF },
      [{ field: '協議機関名', value: '', why: '必須' }, { field: '代表者氏名', value: '', why: '法人・団体は代表者氏名が必須' }]),
    mk('fuchi-kanryo', kinds[3], '風致地区内行為完了（中止・廃止）届', '許可を受けた行為が完了し、又は中止・廃止したときの届出です。',
      [...base3('届出者'), siteOnly('行為の場所'), parentS([fe('完了等の別', req), fe('完了日', req), fe('許可条件の履行状況', { maxLength: 2000 })]), FM.attachmentPage(attDone)],
      { ...sampleBase, ...tamagawa, '当初許可番号': '8世風許第0005号', '完了等の別': '完了', '完了日': '2030-12-01', '許可条件の履行状況': '植栽（高木3本）を完了', ...files(attDone) },
      [{ field: '完了日', value: '令和12年12月1日', why: '日付はYYYY-MM-DD' }, { field: '完了等の別', value: '終了', why: '選択肢にない' }], '完了・中止・廃止の後、速やかに届け出てください。'),
    mk('fuchi-tsuchi', kinds[4], '風致地区内行為の通知書', '非常災害のための応急措置等として許可を受けずに行った行為の通知です。',
      [...base3('届出者'), siteOnly('行為の場所'), { title: '行為の内容', sections: [{ title: '行為', fields: [
        fe('行為の事由', req), fe('行為の種類', req), fe('行為の内容', { ...req, maxLength: 4000 }), fe('行為の実施日', { ...req, maxDate: 'today' })] }] }, FM.attachmentPage(attOther)],
      { ...sampleBase, ...tamagawa, '行為の事由': '非常災害のための応急措置', '行為の種類': [ACTS[4]], '行為の内容': '台風による倒木（ケヤキ1本）の撤去', '行為の実施日': '2026-10-01', ...files(attOther) },
      [{ field: '行為の実施日', value: '2099-01-01', why: '実施日は今日以前' }, { field: '行為の内容', value: '', why: '必須' }], '行為の後、速やかに通知してください。'),
    mk('fuchi-shokei', kinds[5], '許可承継・施工者・行為期間変更届', '許可を受けた地位の承継、施工者の選定・変更、行為期間の変更の届出です。',
      [...base3('届出者'), siteOnly('行為の場所'), parentS([fe('変更届の種類', req), fe('承継人・施工者', { maxLength: 100 }, {
        showIf: { any: [{ field: '変更届の種類', op: 'eq', value: '許可の承継' }, { field: '変更届の種類', op: 'eq', value: '施工者の選定・変更' }] },
        requiredIf: { any: [{ field: '変更届の種類', op: 'eq', value: '許可の承継' }, { field: '変更届の種類', op: 'eq', value: '施工者の選定・変更' }] } }),
        fe('着手予定日', {}, { showIf: { field: '変更届の種類', op: 'eq', value: '行為期間の変更' }, requiredIf: { field: '変更届の種類', op: 'eq', value: '行為期間の変更' }, label: '変更後の着手予定日' }),
        fe('完了予定日', {}, { showIf: { field: '変更届の種類', op: 'eq', value: '行為期間の変更' }, requiredIf: { field: '変更届の種類', op: 'eq', value: '行為期間の変更' }, label: '変更後の完了予定日' }),
        fe('変更の内容', { maxLength: 2000 })]), FM.attachmentPage(attOther)],
      { ...sampleBase, ...tamagawa, '当初許可番号': '8世風許第0005号', '変更届の種類': ['施工者の選定・変更'], '承継人・施工者': '玉川建設株式会社', ...files(attOther) },
      [{ field: '変更届の種類', value: [], why: '必須' }, { field: '承継人・施工者', value: '', why: '施工者の変更は施工者名が必須' }], '変更の後、速やかに届け出てください。'),
  ];
  const kb = (what, end) => `　{到達日:wareki}付けで${what}のあった風致地区内における行為について、東京都風致地区条例に基づき${end}`;
  const acts = ['行為の種類', { field: '行為の種類' }];
  const district = ['風致地区', { field: '風致地区の種別' }];
  const templates = [
    doc({ code: 'dfc-1', name: '風致地区内行為許可書', title: '風致地区内行為許可書', body: kb('申請', '下記の条件を付して許可します。'),
      rows: [['許可番号', { field: '許可番号' }], ['許可年月日', { field: '決裁日', format: { date: 'wareki' } }], R.receipt, R.site, district, acts,
        ['行為の期間', { text: '{着手予定日:wareki}〜{完了予定日:wareki}' }], ['許可の条件', { box: '通知事項', h: 32 }]], kyoji: '東京都知事',
      notes: ['推定（§8.4 DFC-1）。審査請求先は要確認。'] }),
    doc({ code: 'dfc-2', name: '風致地区内行為変更許可書', title: '風致地区内行為変更許可書', body: kb('変更許可の申請', '下記の条件を付して変更を許可します。'),
      rows: [['許可番号', { field: '許可番号' }], ['当初の許可番号', { field: '当初許可番号' }], R.receipt, R.site, ['変更の内容', { box: '変更の内容', h: 24 }], ['許可の条件', { box: '通知事項', h: 26 }]],
      kyoji: '東京都知事' }),
    doc({ code: 'dfc-3', name: '風致地区内行為協議回答書', title: '風致地区内行為協議回答書', body: kb('協議', '下記のとおり協議が成立したことを通知します。'),
      rows: [R.receipt, ['協議機関', { field: '協議機関名' }], R.site, district, acts, ['意見・条件', { box: '通知事項', h: 40 }]] }),
    doc({ code: 'dfc-4', name: '風致地区内行為不許可通知書', title: '風致地区内行為不許可通知書', body: kb('申請', '審査した結果、下記の理由により許可しないこととしたので通知します。'),
      rows: [R.receipt, R.site, district, acts, ['不許可の理由', { box: '不許可理由', h: 48 }]], kyoji: '東京都知事',
      notes: ['理由の提示（行政手続法8条）と教示を付す。'] }),
    doc({ code: 'dfc-5', name: '風致地区内行為完了確認通知書', title: '風致地区内行為完了確認通知書', body: kb('届出', '完了検査を行った結果を下記のとおり通知します。'),
      rows: [R.receipt, ['当初の許可番号', { field: '当初許可番号' }], R.site, ['完了等の別', { field: '完了等の別' }], ['完了日', { field: '完了日', format: { date: 'wareki' } }],
        R.result, ['検査結果・指導事項', { box: '通知事項', h: 36 }]] }),
    fuchiSign(),
  ];
  emit(a, forms, templates);
}

/* DFC-6 許可済標識: a sign for the site, not a letter (big type, A4 landscape). */
function fuchiSign() {
  const el = [];
  const t = (x, y, e) => el.push({ type: 'text', x, y, ...e });
  el.push({ type: 'rect', x: 12, y: 12, w: 273, h: 186, width: 1.2 });
  t(12, 22, { w: 273, align: 'center', text: '風致地区内行為許可済', size: 32, font: 'gothic', bold: true });
  const row = (y, label, e) => {
    el.push({ type: 'line', x: 12, y, x2: 285, y2: y, width: 0.4 });
    t(20, y + 5, { w: 70, text: label, size: 16, font: 'gothic' });
    // a box: long names and several 地番 wrap instead of overflowing
    el.push({ type: 'textbox', x: 95, y: y + 2, w: 182, h: 14, size: 16, minSize: 7, lineHeight: 1.2, ...e });
  };
  row(48, '許可番号', { field: '許可番号' });
  row(66, '許可年月日', { text: '{決裁日:wareki}' });
  row(84, '許可を受けた者', { field: '申請者氏名' });
  row(102, '行為の場所', { text: '世田谷区{町名}{丁目}{地番}' });
  row(120, '行為の種類', { field: '行為の種類' });
  row(138, '行為の期間', { text: '{着手予定日:wareki}〜{完了予定日:wareki}' });
  row(156, '代理人（設計者）', { text: '{代理人事務所名}　{代理人氏名}' });
  el.push({ type: 'line', x: 12, y: 174, x2: 285, y2: 174, width: 0.4 });
  t(20, 180, { w: 200, text: '許可者　世田谷区長（担当：{担当課}）', size: 12 });
  el.push({ type: 'qr', x: 262, y: 176, size: 20, code: false });
  return {
    template: {
      code: 'dfc-6', name: '風致地区内行為許可済標識', kind: 'record',
      page: { size: 'A4', orientation: 'landscape', margin: [10, 10, 10, 10] },
      font: 'gothic', size: 14, fileName: '{受付番号}_{帳票名}', verify: true, elements: el,
    },
    notes: ['推定: 現場掲示用の標識（神戸市の様式を参考、§8.4 DFC-6）。実寸の標識はA3等で印刷。'],
  };
}

// =========================================================================================
// 7. 住環境の整備に関する条例に基づく届出 (§9) — 3 forms / 3 templates
// =========================================================================================
{
  const APPL = ['集合住宅等建築物', 'ワンルームマンション建築物', '特定商業施設', '長屋'];
  const own = [
    CB('適用区分', '条例の適用区分', APPL),
    INT('住戸数40平米以上', '住戸専用面積40㎡以上の住戸数', { unit: '戸' }),
    INT('住戸数40平米未満', '住戸専用面積40㎡未満の住戸数', { unit: '戸' }),
    AREA('最小住戸専用面積', '最小の住戸専用面積'),
    AREA('店舗床面積', '店舗部分の床面積'),
    ML('道路拡幅・壁面後退', '道路の拡幅・壁面の後退'),
    INT('駐車施設台数', '駐車施設の台数', { unit: '台' }),
    INT('自転車駐車場台数', '自転車駐車場の台数', { unit: '台' }),
    RB('ごみ保管場所の協議', 'ごみ保管場所（清掃事務所との協議）', ['協議済み', '協議中', '未協議'], '協議中'),
    ML('管理体制', '管理人室・管理体制'),
    ML('整備項目その他', 'その他の整備項目（緑化等）'),
    T('当初受付番号', '当初の届出の受付番号', { maxLength: '40' }),
    ML('変更の内容', '変更の内容（変更前・変更後・理由）'),
    D('工事完了日', '工事完了日'),
    ML('整備の実施状況', '整備項目の実施状況'),
    D('検査立会希望日', '完了検査の立会希望日'),
  ];
  const kinds = ['建築計画届出', '変更届出', '工事完了届'];
  const a = app({
    code: 'jukankyo', name: '住環境の整備に関する条例に基づく届出', who: '建築主', ownTab: '整備の内容',
    description: '世田谷区建築物の建築に係る住環境の整備に関する条例に基づく建築計画の届出・変更届・工事完了届。受付は建築場所の総合支所 街づくり課。',
    own, kinds, attachments: ['A01', 'A03', 'A05', 'A06', 'A07', 'A21', 'A22', 'A09', 'A16', 'A10', 'A99'],
    results: ['適合', '指導事項あり'], permit: false, shinsa: null, kakarichoDecides: false,
    receiptFormat: '{reiwa}世街住環第{n:4}号', docFormat: '{reiwa}世街住環発第{n:4}号', days: 15,
    notes: {
      'clock.days': '推定: 15開庁日（整備項目の協議を含む）。届出期日・協議手順・完了検査の有無は要確認（§13-6）。',
      'status': '推定: 担当→係長→街づくり課長（§9.3）。',
      'forms': '推定（§9.1）。', 'templates': '推定（§9.2）。',
    },
  });
  const kindPage = (k) => ({ title: '届出の種別', sections: [{ title: '届出', fields: [fe('届出種別', {}, { compute: k })] }] });
  const applIs = (v) => ({ field: '適用区分', op: 'eq', value: v });
  const att1 = [['A01', true], ['A03', true], ['A05', true], ['A06', true], ['A07', true], ['A21', true], ['A22', { any: [applIs(APPL[0]), applIs(APPL[1])] }], agentAtt, ['A99', false]];
  const attChg = [['A21', false], ['A03', false], agentAtt, ['A99', false]];
  const attDone = [['A16', true], agentAtt, ['A99', false]];
  const intR = (extra = {}) => ({ min: 0, max: 100000, pattern: '[0-9０-９]+', ...extra });
  const mk = (code, k, title, description, pages, valid, invalid, deadline) => ({
    def: FM.form({ code, app: 'jukankyo', title, procedure: '都市計画・街づくり', description,
      prepare: '添付図書はPDF（A4又はA3）で用意してください。ごみ保管場所は清掃事務所と事前に協議してください（1か月程度）。',
      deadlineNote: deadline || '建築確認申請の前に届け出てください。', receiptFormat: 'R{reiwa}-JK-{n:6}', pages: [kindPage(k), ...pages], notes: ['推定（§9.1）'] }),
    samples: { valid, invalid },
  });
  const parentS = (extra) => ({ title: '届出の内容', sections: [{ title: '当初の届出', fields: [fe('当初受付番号', { ...req, maxLength: 40 }), ...extra] }] });
  const forms = [
    mk('jukankyo-todoke', kinds[0], '建築計画届出書（住環境整備条例）', '集合住宅等・ワンルームマンション・特定商業施設・長屋を建築する場合の届出です。',
      [...base3('建築主'), sitePage(), bldgPage({ kakunin: true }), { title: '整備の内容', sections: [{ title: '適用区分と整備項目', fields: [
        fe('適用区分', req),
        fe('住戸数40平米以上', intR(), { label: '住戸専用面積40㎡以上の住戸数', showIf: { any: [applIs(APPL[0]), applIs(APPL[1]), applIs(APPL[3])] } }),
        fe('住戸数40平米未満', intR(), { label: '住戸専用面積40㎡未満の住戸数', showIf: { any: [applIs(APPL[0]), applIs(APPL[1]), applIs(APPL[3])] }, requiredIf: { any: [applIs(APPL[1]), applIs(APPL[3])] } }),
        fe('最小住戸専用面積', { min: 0, max: 10000 }, { label: '最小の住戸専用面積（㎡）', showIf: { any: [applIs(APPL[0]), applIs(APPL[1]), applIs(APPL[3])] } }),
        fe('店舗床面積', { min: 0, max: 1000000 }, { label: '店舗部分の床面積（㎡）', showIf: applIs(APPL[2]), requiredIf: applIs(APPL[2]) }),
        fe('道路拡幅・壁面後退', { ...req, maxLength: 2000 }),
        fe('駐車施設台数', intR(req)), fe('自転車駐車場台数', intR(req)),
        fe('ごみ保管場所の協議', req), fe('管理体制', { maxLength: 2000 }), fe('整備項目その他', { maxLength: 2000 }),
      ] }] }, FM.attachmentPage(att1)],
      { ...sampleFull, '主要用途': '共同住宅', '住戸数': '24', '構造': '鉄筋コンクリート造', '地上階数': '5', '最高高さ': '15.80', '建築面積': '108.00', '延べ面積': '1620.00',
        '適用区分': ['集合住宅等建築物'], '住戸数40平米以上': '20', '住戸数40平米未満': '4', '最小住戸専用面積': '25.50', '道路拡幅・壁面後退': '前面道路中心線から2.5mまで後退し道路状に整備',
        '駐車施設台数': '6', '自転車駐車場台数': '30', 'ごみ保管場所の協議': '協議済み', '管理体制': '管理会社による巡回管理（週3回）', ...files(att1), '管理規約案': FM.PDF },
      [...invalidFull, { field: '適用区分', value: [], why: '必須' }, { field: '駐車施設台数', value: '1.5', why: '台数は整数' },
        { field: '店舗床面積', value: '', why: '特定商業施設は店舗床面積が必須', with: { '適用区分': ['特定商業施設'] } }]),
    mk('jukankyo-henko', kinds[1], '建築計画変更届出書（住環境整備条例）', '届出後に建築計画を変更する場合の届出です。',
      [...base3('建築主'), siteOnly(), parentS([fe('変更の内容', { ...req, maxLength: 4000 })]), FM.attachmentPage(attChg)],
      { ...sampleBase, '当初受付番号': '8世街住環第0002号', '変更の内容': '駐車施設を6台から5台に変更（自転車駐車場を30台から36台に増設）', ...files(attChg) },
      [...invalidBase, { field: '変更の内容', value: '', why: '必須' }], '変更に係る工事の前に届け出てください。'),
    mk('jukankyo-kanryo', kinds[2], '工事完了届（住環境整備条例）', '整備項目を含む工事が完了したときの届出です。',
      [...base3('建築主'), siteOnly(), parentS([fe('工事完了日', req), fe('整備の実施状況', { ...req, maxLength: 4000 }), fe('検査立会希望日', { minDate: 'today' })]), FM.attachmentPage(attDone)],
      { ...sampleBase, '当初受付番号': '8世街住環第0002号', '工事完了日': '2030-11-30', '整備の実施状況': '道路状整備・駐車施設・ごみ保管場所を計画どおり整備', '検査立会希望日': '2030-12-10', ...files(attDone) },
      [...invalidBase, { field: '検査立会希望日', value: '2020-01-01', why: '過去の日付' }], '工事完了後、速やかに届け出てください。'),
  ];
  const jb = (what, end) => `　{到達日:wareki}付けで届出のあった${what}について、世田谷区建築物の建築に係る住環境の整備に関する条例に基づき${end}`;
  const templates = [
    doc({ code: 'djk-1', name: '建築計画届出に対する通知書', title: '建築計画届出に対する通知書', titleSize: 14, body: jb('建築計画', '整備内容を確認した結果を下記のとおり通知します。'),
      rows: [R.receipt, R.site, R.bldg, ['適用区分', { field: '適用区分' }], ['駐車施設等', { text: '駐車施設 {駐車施設台数}台　自転車駐車場 {自転車駐車場台数}台' }], R.result, ['整備内容・協議結果', { box: '通知事項', h: 40 }]] }),
    doc({ code: 'djk-2', name: '変更届出に対する通知書', title: '建築計画変更届出に対する通知書', titleSize: 14, body: jb('建築計画の変更', '変更後の整備内容を確認した結果を下記のとおり通知します。'),
      rows: [R.receipt, ['当初の受付番号', { field: '当初受付番号' }], R.site, ['変更の内容', { box: '変更の内容', h: 26 }], R.result, ['整備内容・協議結果', { box: '通知事項', h: 32 }]] }),
    doc({ code: 'djk-3', name: '完了確認通知書', title: '工事完了確認通知書', titleSize: 14, body: jb('工事完了', '整備項目の完了を確認した結果を下記のとおり通知します。'),
      rows: [R.receipt, ['当初の受付番号', { field: '当初受付番号' }], R.site, ['工事完了日', { field: '工事完了日', format: { date: 'wareki' } }], R.result, ['検査結果・指導事項', { box: '通知事項', h: 44 }]] }),
  ];
  emit(a, forms, templates);
}

console.log(JSON.stringify(out));
