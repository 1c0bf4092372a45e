// Building blocks of the Setagaya pack's app definitions (kintone field JSON, layout, views,
// process, clock, permissions) shared by the seven procedures. The generator writes plain JSON
// under packs/setagaya/apps/; the JSON files are what the installer reads and what staff edit.
// Items marked 推定 follow /work/shared/reference/setagaya-procedures.md (§0.1): our best
// inference until the ward lends its originals.

export const opts = (list) =>
  Object.fromEntries(list.map((l, i) => [l, { label: l, index: String(i) }]));

const base = (type, code, label, extra = {}) => ({ type, code, label, noLabel: false, required: false, ...extra });
export const T = (code, label, extra = {}) => base('SINGLE_LINE_TEXT', code, label, { maxLength: '200', ...extra });
export const ML = (code, label, extra = {}) => base('MULTI_LINE_TEXT', code, label, extra);
export const N = (code, label, extra = {}) => base('NUMBER', code, label, { unitPosition: 'AFTER', ...extra });
export const AREA = (code, label, extra = {}) => N(code, label, { unit: '㎡', displayScale: '2', digit: true, minValue: '0', maxValue: '10000000', ...extra });
export const LEN = (code, label, extra = {}) => N(code, label, { unit: 'm', displayScale: '2', minValue: '0', maxValue: '1000', ...extra });
export const PCT = (code, label, extra = {}) => N(code, label, { unit: '%', displayScale: '2', minValue: '0', maxValue: '1300', ...extra });
export const INT = (code, label, extra = {}) => N(code, label, { displayScale: '0', minValue: '0', maxValue: '100000', ...extra });
export const DD = (code, label, list, extra = {}) => base('DROP_DOWN', code, label, { options: opts(list), defaultValue: '', ...extra });
export const RB = (code, label, list, def, extra = {}) => base('RADIO_BUTTON', code, label, { options: opts(list), defaultValue: def ?? list[0], align: 'HORIZONTAL', ...extra });
export const CB = (code, label, list, extra = {}) => base('CHECK_BOX', code, label, { options: opts(list), defaultValue: [], align: 'HORIZONTAL', ...extra });
export const MS = (code, label, list, extra = {}) => base('MULTI_SELECT', code, label, { options: opts(list), defaultValue: [], ...extra });
export const D = (code, label, extra = {}) => base('DATE', code, label, { defaultValue: '', defaultNowValue: false, unique: false, ...extra });
export const F = (code, label, extra = {}) => base('FILE', code, label, { thumbnailSize: '150', ...extra });
export const CALC = (code, label, expression, extra = {}) => ({ type: 'CALC', code, label, noLabel: false, required: false, expression, format: 'NUMBER', displayScale: '2', hideExpression: false, unitPosition: 'AFTER', ...extra });
export const ORG = (code, label) => ({ type: 'ORGANIZATION_SELECT', code, label, noLabel: false, required: false, entities: [], defaultValue: [] });
export const USER = (code, label) => ({ type: 'USER_SELECT', code, label, noLabel: false, required: false, entities: [], defaultValue: [] });
export const GROUP = (code, label) => ({ type: 'GROUP', code, label, noLabel: false, openGroup: true });

// ---- reference lists ------------------------------------------------------------------------

export const REGIONS = ['世田谷', '北沢', '玉川', '砧', '烏山'];
// §12: 61 町 (駒沢 lies in two 地域 and is one option). The installer may replace these options
// by the names of reference/chocho.json ("optionsFrom": "chocho").
export const TOWNS = [
  '池尻', '三宿', '太子堂', '三軒茶屋', '若林', '世田谷', '桜', '弦巻', '宮坂', '経堂', '桜丘', '下馬', '野沢', '上馬', '駒沢',
  '北沢', '代沢', '代田', '大原', '羽根木', '梅丘', '豪徳寺', '松原', '赤堤', '桜上水',
  '奥沢', '東玉川', '玉川田園調布', '尾山台', '等々力', '中町', '上野毛', '野毛', '玉堤', '用賀', '上用賀', '玉川台', '瀬田', '玉川', '深沢', '新町', '桜新町', '駒沢公園',
  '成城', '祖師谷', '千歳台', '船橋', '喜多見', '宇奈根', '鎌田', '岡本', '大蔵', '砧', '砧公園',
  '上北沢', '八幡山', '粕谷', '上祖師谷', '給田', '南烏山', '北烏山',
];
export const CHOME = ['一丁目', '二丁目', '三丁目', '四丁目', '五丁目', '六丁目', '七丁目', '八丁目', '九丁目'];
export const ZONES = ['第一種低層住居専用地域', '第二種低層住居専用地域', '第一種中高層住居専用地域', '第二種中高層住居専用地域',
  '第一種住居地域', '第二種住居地域', '準住居地域', '田園住居地域', '近隣商業地域', '商業地域', '準工業地域', '工業地域', '工業専用地域'];
export const FIRE = ['防火地域', '準防火地域', '新たな防火規制区域', '指定なし'];
export const HEIGHT = ['第1種高度地区', '第2種高度地区', '第3種高度地区', '指定なし'];
export const WORKS = ['新築', '増築', '改築', '移転', '用途変更', '大規模の修繕', '大規模の模様替', '除却', '工作物の築造'];
export const USES = ['一戸建ての住宅', '長屋', '共同住宅', '寄宿舎', '兼用住宅', '事務所', '店舗', '飲食店', '診療所', '老人ホーム等',
  '保育所等', '学校', '工場', '倉庫', '自動車車庫', 'その他'];
export const STRUCTS = ['木造', '鉄骨造', '鉄筋コンクリート造', '鉄骨鉄筋コンクリート造', 'コンクリートブロック造', 'その他'];

// ---- attachment master (§2 BLK-ATT) ------------------------------------------------------

export const ATT = {
  A01: ['案内図', '案内図（付近見取図）', '縮尺1/2,500以上。方位、敷地（赤枠）、目標物を記入'],
  A02: ['公図の写し', '公図の写し', '直近のもの。敷地を明示'],
  A03: ['配置図', '配置図', '縮尺1/100〜1/500以上。方位、敷地境界、道路幅員、建物位置、境界からの距離'],
  A04: ['敷地求積図', '敷地求積図', '三斜求積又は座標求積'],
  A05: ['各階平面図', '各階平面図', '縮尺1/50〜1/200以上。用途・床面積'],
  A06: ['立面図', '立面図（2面以上）', '縮尺1/50〜1/200以上。高さ・軒高、外壁・屋根の色彩（マンセル値）'],
  A07: ['断面図', '断面図（2面以上）', '縮尺1/200以上。高さ・斜線'],
  A08: ['床面積求積図', '床面積求積図・面積表', ''],
  A09: ['現況写真', '現況写真', '敷地及び周辺の状況'],
  A10: ['委任状', '委任状', '代理人に手続を委任する場合。署名又は記名で可（押印不要）'],
  A11: ['日影図', '日影図', '中高層条例の対象規模の場合'],
  A12: ['近隣関係住民範囲図', '近隣関係住民範囲図', ''],
  A13: ['標識設置図書', '標識設置位置図・標識写真（遠景・近景）', ''],
  A14: ['緑化計画図', '緑化計画図・緑化面積求積図・植栽リスト', ''],
  A15: ['現況樹木図', '現況樹木図', '既存樹木の樹種・樹高・幹周・保存／移植／伐採の別'],
  A16: ['完了写真', '完了写真', '全景・各植栽・屋上／壁面'],
  A17: ['土地形質変更図', '土地の形質変更図', '切土・盛土・擁壁、断面'],
  A18: ['区域明示図', '都市計画施設の区域線を記入した配置図（区域明示図）', ''],
  A19: ['念書', '念書・誓約書', '将来の移転・除却等に関する念書'],
  A20: ['説明資料', '近隣説明の配布資料', ''],
  A21: ['整備計画図', '整備計画図（道路・駐車場・ごみ置場等）', ''],
  A22: ['管理規約案', '管理規約案・管理体制の資料', ''],
  A99: ['その他図書', 'その他区長が必要と認める図書', ''],
};
export const PDF_RULES = { accept: ['application/pdf'], maxBytes: 20971520 };
export const A4A3 = 'PDF（A4又はA3、1ファイル20MBまで）。文字・図面が不鮮明な場合は紙の提出をお願いすることがあります。';

// ---- common blocks (§2) -------------------------------------------------------------------

export function applicantFields() {
  return [
    RB('申請者区分', '個人／法人の別', ['個人', '法人・団体'], '個人'),
    T('申請者氏名', '氏名又は名称', { maxLength: '100' }),
    T('代表者役職', '代表者の役職', { maxLength: '50' }),
    T('代表者氏名', '代表者の氏名', { maxLength: '60' }),
    T('申請者フリガナ', 'フリガナ', { maxLength: '100' }),
    T('申請者郵便番号', '郵便番号', { maxLength: '8' }),
    T('申請者住所', '住所又は所在地', { maxLength: '200' }),
    T('申請者電話番号', '電話番号', { maxLength: '20' }),
    T('申請者メール', 'メールアドレス', { maxLength: '254' }),
    RB('代理人の有無', '代理人の有無', ['なし', 'あり'], 'なし'),
    T('代理人氏名', '代理人の氏名', { maxLength: '60' }),
    T('代理人事務所名', '事務所名', { maxLength: '100' }),
    DD('建築士資格', '建築士資格', ['一級建築士', '二級建築士', '木造建築士', 'なし']),
    T('建築士登録番号', '建築士登録番号', { maxLength: '50' }),
    T('建築士事務所登録', '建築士事務所登録', { maxLength: '80' }),
    T('代理人郵便番号', '代理人の郵便番号', { maxLength: '8' }),
    T('代理人住所', '代理人の住所', { maxLength: '200' }),
    T('代理人電話番号', '代理人の電話番号', { maxLength: '20' }),
    T('代理人メール', '代理人のメールアドレス', { maxLength: '254' }),
  ];
}

export function siteFields() {
  return [
    DD('地域', '地域', REGIONS, { optionsFrom: 'chocho' }),
    DD('町名', '町名', TOWNS, { optionsFrom: 'chocho' }),
    DD('丁目', '丁目', CHOME, { optionsFrom: 'chocho' }),
    T('地番', '地名地番', { maxLength: '100' }),
    T('住居表示', '住居表示', { maxLength: '100' }),
    AREA('敷地面積', '敷地面積'),
    CB('用途地域', '用途地域', ZONES, { align: 'VERTICAL' }),
    PCT('指定建ぺい率', '指定建ぺい率'),
    PCT('指定容積率', '指定容積率'),
    DD('防火指定', '防火指定', FIRE),
    DD('高度地区', '高度地区', HEIGHT),
    T('その他地域地区', 'その他の地域地区（地区計画・風致地区・緑化地域等）', { maxLength: '200' }),
  ];
}

export function buildingFields() {
  return [
    CB('工事種別', '工事種別', WORKS),
    DD('主要用途', '主要用途', USES),
    DD('構造', '構造', STRUCTS),
    INT('地上階数', '階数（地上）', { maxValue: '80', unit: '階' }),
    INT('地下階数', '階数（地下）', { maxValue: '10', unit: '階' }),
    LEN('最高高さ', '最高の高さ'),
    LEN('最高軒高', '最高の軒の高さ'),
    AREA('建築面積', '建築面積'),
    AREA('延べ面積', '延べ面積'),
    CALC('建ぺい率', '建ぺい率', 'IF(敷地面積>0, ROUND(建築面積/敷地面積*100, 2), 0)', { unit: '%' }),
    CALC('容積率', '容積率（延べ面積による）', 'IF(敷地面積>0, ROUND(延べ面積/敷地面積*100, 2), 0)', { unit: '%' }),
    INT('住戸数', '住戸数', { unit: '戸' }),
    T('建築物の名称', '建築物の名称', { maxLength: '100' }),
  ];
}

export function scheduleFields() {
  return [
    D('確認申請予定日', '建築確認申請予定日'),
    D('着手予定日', '工事（行為）着手予定日'),
    D('完了予定日', '工事（行為）完了予定日'),
  ];
}

export function attachmentFields(codes) {
  return codes.map((c) => F(ATT[c][0], ATT[c][1]));
}

/* Staff fields (審査). permit: 許可番号 and 不許可理由 as well. */
export function staffFields({ results, permit = false, kinds = null, defaultDecider = '課長' }) {
  const f = [
    T('受付番号', '受付番号', { maxLength: '40', unique: true }),
    T('収受番号', '収受番号（文書管理システム）', { maxLength: '40' }),
    D('到達日', '到達日（申請・届出日）', { defaultNowValue: true }),
    D('受付日', '受付日'),
    ORG('担当課', '担当課'),
    USER('担当者', '担当者'),
    CB('要確認', '要確認', ['境界の町丁目（窓口要確認）', '着手予定日まで30日未満', '図面不鮮明（紙提出依頼）', '関係課協議', 'その他']),
    DD('決裁区分', '決裁区分（専決者）', ['係長', '課長', '部長'], { defaultValue: defaultDecider }),
    DD('審査結果', '審査結果', results),
    ML('審査メモ', '審査メモ（内部）'),
    ML('通知事項', permit ? '許可条件' : '通知事項（助言・指導の内容）'),
    D('決裁日', '決裁日'),
    T('文書番号', '文書番号', { maxLength: '40' }),
  ];
  if (permit) {
    f.push(T('許可番号', '許可番号', { maxLength: '40' }));
    f.push(ML('不許可理由', '不許可の理由'));
  }
  if (kinds) f.unshift(DD('届出種別', '申請・届出の種別', kinds));
  return f;
}

// ---- layout ---------------------------------------------------------------------------------

/* rows of up to three fields; multi-line texts, check boxes and files alone */
function rows(fields) {
  const out = [];
  let row = [];
  const wide = new Set(['MULTI_LINE_TEXT', 'CHECK_BOX', 'FILE', 'SUBTABLE']);
  for (const f of fields) {
    const el = { type: f.type, code: f.code, size: {} };
    if (wide.has(f.type)) {
      if (row.length) out.push({ type: 'ROW', fields: row });
      row = [];
      out.push({ type: 'ROW', fields: [el] });
      continue;
    }
    row.push(el);
    if (row.length === 3) { out.push({ type: 'ROW', fields: row }); row = []; }
  }
  if (row.length) out.push({ type: 'ROW', fields: row });
  return out;
}

/* tabs: [{code,label,fields}] → GROUP fields + layout; top: fields outside any tab */
export function assemble(top, tabs) {
  const fields = {};
  const add = (f) => {
    if (fields[f.code]) throw new Error(`duplicate field ${f.code}`);
    fields[f.code] = f;
  };
  top.forEach(add);
  const layout = rows(top);
  for (const t of tabs) {
    add(GROUP(t.code, t.label));
    t.fields.forEach(add);
    layout.push({ type: 'GROUP', code: t.code, layout: rows(t.fields) });
  }
  return { fields, layout };
}

// ---- views ----------------------------------------------------------------------------------

export function views({ active, final, kindField = true, deadlineField = '着手予定日' }) {
  const list = (name, index, fields, filterCond, sort) => ({ type: 'LIST', name, index: String(index), fields, filterCond, sort });
  const cols = ['レコード番号', '受付番号', 'ステータス', ...(kindField ? ['届出種別'] : []), '申請者氏名', '町名', '丁目', '地番', '担当課', '担当者', '到達日', '受付日'];
  const q = (xs) => xs.map((s) => `"${s}"`).join(', ');
  return {
    '受付一覧': list('受付一覧', 0, cols, '', 'レコード番号 desc'),
    '未受付（到達済み）': list('未受付（到達済み）', 1, cols, 'ステータス in ("受付中")', '到達日 asc, レコード番号 asc'),
    '審査中': list('審査中', 2, cols, `ステータス in (${q(active)})`, '$due_date asc'),
    '期限超過': list('期限超過', 3, cols, '$overdue = "true"', '$due_date asc'),
    '期限3日以内': list('期限3日以内', 4, cols, '$due_date <= FROM_TODAY(3, DAYS) and $overdue = "false"', '$due_date asc'),
    '着手予定日が近い案件': list('着手予定日が近い案件', 5, [...cols, deadlineField],
      `${deadlineField} <= FROM_TODAY(30, DAYS) and ステータス not in (${q(final)})`, `${deadlineField} asc`),
    '決裁済み': list('決裁済み', 6, [...cols, '決裁日', '文書番号'], `ステータス in (${q(final)})`, '決裁日 desc, レコード番号 desc'),
  };
}

// ---- screen rules --------------------------------------------------------------------------

export function recordRules({ extra = [], permit = false, reviewStatuses }) {
  return {
    rules: [
      { effect: 'hide', fields: ['代表者役職', '代表者氏名'], when: { not: { field: '申請者区分', op: 'eq', value: '法人・団体' } } },
      { effect: 'hide', fields: ['代理人氏名', '代理人事務所名', '建築士資格', '建築士登録番号', '建築士事務所登録', '代理人郵便番号', '代理人住所', '代理人電話番号', '代理人メール', '委任状'],
        when: { not: { field: '代理人の有無', op: 'eq', value: 'あり' } } },
      { effect: 'readOnly', fields: ['受付番号', '受付日', '到達日', '決裁日', '文書番号', ...(permit ? ['許可番号'] : [])] },
      { effect: 'required', fields: ['担当課', '決裁区分'], statuses: reviewStatuses },
      { effect: 'required', fields: ['審査結果'], statuses: reviewStatuses.filter((s) => s !== '受付' && s !== '審査中') },
      ...(permit ? [
        { effect: 'required', fields: ['不許可理由'], when: { field: '審査結果', op: 'eq', value: '不許可' } },
        { effect: 'hide', fields: ['不許可理由'], when: { not: { field: '審査結果', op: 'eq', value: '不許可' } } },
      ] : []),
      ...extra,
    ],
    choices: {
      '地域': { optionsFrom: 'chocho' },
      '町名': { optionsFrom: 'chocho', parent: '地域' },
      '丁目': { optionsFrom: 'chocho', parent: ['地域', '町名'] },
    },
  };
}

// ---- organisations and roles ---------------------------------------------------------------

export const BRANCHES = [
  { region: '世田谷', shisho: 'setagaya-shisho', machi: ['setagaya-machi'] },
  { region: '北沢', shisho: 'kitazawa-shisho', machi: ['kitazawa-machi'] },
  { region: '玉川', shisho: 'tamagawa-shisho', machi: ['tamagawa-machi'] },
  { region: '砧', shisho: 'kinuta-shisho', machi: ['kinuta-machi'] },
  { region: '烏山', shisho: 'karasuyama-shisho', machi: ['karasuyama-machi', 'karasuyama-ekisyuhen'] },
];
const G = (code) => ({ type: 'GROUP', code });
const O = (code) => ({ type: 'ORGANIZATION', code });

/* viewers: extra organisations that read every record (みどり政策課 for the みどり app) */
export function appAcl(viewers = []) {
  const all = { appEditable: false, recordViewable: true, recordAddable: true, recordEditable: true, recordDeletable: false, recordImportable: false, recordExportable: true };
  return [
    { entity: G('sysadmin'), includeSubs: false, appEditable: true, recordViewable: true, recordAddable: true, recordEditable: true, recordDeletable: true, recordImportable: true, recordExportable: true },
    { entity: G('kansa'), includeSubs: false, appEditable: false, recordViewable: true, recordAddable: false, recordEditable: false, recordDeletable: false, recordImportable: false, recordExportable: true },
    { entity: O('toshi-seisaku'), includeSubs: true, ...all },
    ...BRANCHES.map((b) => ({ entity: O(b.shisho), includeSubs: true, ...all })),
    ...viewers.map((v) => ({ entity: O(v), includeSubs: false, appEditable: false, recordViewable: true, recordAddable: false, recordEditable: false, recordDeletable: false, recordImportable: false, recordExportable: true })),
  ];
}

const R = (entity, includeSubs, viewable, editable, deletable = false) => ({ entity, includeSubs, viewable, editable, deletable });
const q = (xs) => xs.map((s) => `"${s}"`).join(', ');

/* Branch procedures: a record belongs to the office in 担当課; its 総合支所 (all of it, so the
 * 総合支所長 as 部長 too) edits it, 都市整備政策部 (都市計画課) sees all, 監査 reads. Records not
 * yet routed (担当課 empty) are open to every office so that someone can route them. */
export function recordAclBranch(viewers = []) {
  const extra = viewers.map((v) => R(O(v), false, true, false));
  const rights = BRANCHES.map((b) => ({
    filterCond: `担当課 in (${q(b.machi)})`,
    entities: [
      R(G('sysadmin'), false, true, true, true),
      R(G('kansa'), false, true, false),
      R(O(b.shisho), true, true, true),
      R(O('toshi-seisaku'), true, true, false),
      ...extra,
    ],
  }));
  rights.push({
    filterCond: '担当課 in ("toshikeikaku")',
    entities: [R(G('sysadmin'), false, true, true, true), R(G('kansa'), false, true, false), R(O('toshi-seisaku'), true, true, true), ...extra],
  });
  rights.push({
    filterCond: '',
    entities: [
      R(G('sysadmin'), false, true, true, true),
      R(G('kansa'), false, true, false),
      R(O('toshi-seisaku'), true, true, true),
      ...BRANCHES.map((b) => R(O(b.shisho), true, true, true)),
      ...extra,
    ],
  });
  return rights;
}

/* 53条: 都市計画課 edits every record; the 総合支所 of the site's 地域 sees it (§10.2 情報共有). */
export function recordAcl53() {
  const rights = BRANCHES.map((b) => ({
    filterCond: `地域 in ("${b.region}")`,
    entities: [
      R(G('sysadmin'), false, true, true, true),
      R(G('kansa'), false, true, false),
      R(O('toshi-seisaku'), true, true, true),
      R(O(b.shisho), true, true, false),
    ],
  }));
  rights.push({
    filterCond: '',
    entities: [R(G('sysadmin'), false, true, true, true), R(G('kansa'), false, true, false), R(O('toshi-seisaku'), true, true, true)],
  });
  return rights;
}

/* Numbers the process writes (受付番号 …) and the internal memo. Everyone else with access
 * may write the rest (no entry = no field restriction). */
export function fieldAcl({ permit }) {
  const ro = (code) => ({
    code,
    entities: [
      { accessibility: 'WRITE', entity: G('sysadmin'), includeSubs: false },
      { accessibility: 'READ', entity: G('everyone'), includeSubs: false },
    ],
  });
  return [
    ...['受付番号', '受付日', '到達日', '決裁日', '文書番号', ...(permit ? ['許可番号'] : [])].map(ro),
    {
      code: '決裁区分',
      entities: [
        { accessibility: 'READ', entity: G('kansa'), includeSubs: false },
        ...['sysadmin', 'tanto', 'kakaricho', 'shinsa-kakaricho', 'kacho', 'bucho'].map((g) => ({ accessibility: 'WRITE', entity: G(g), includeSubs: false })),
        { accessibility: 'READ', entity: G('everyone'), includeSubs: false },
      ],
    },
  ];
}

// ---- process (§10) --------------------------------------------------------------------------

/* The ward's ladder 担当→係長→(審査係長)→課長→(部長). opts:
 *   prefix: 受付番号 format, seq: sequence name stem, docFormat: 文書番号 format,
 *   permit: 許可/不許可 decision (許可番号, 不許可 status), shinsa: a condition (query) under which
 *   the record goes through 審査係長 (true = always, null = never), kakarichoDecides: 係長専決
 *   allowed (届出の受理). */
export function processDef(o) {
  const FE = (code) => ({ entity: { type: 'FIELD_ENTITY', code } });
  const GE = (code) => ({ entity: { type: 'GROUP', code } });
  const office = { entities: [FE('担当課')] };
  const st = (name, index, applicantLabel, type, entities) => ({ name, index: String(index), applicantLabel, assignee: { type, entities } });
  const states = {
    '受付中': st('受付中', 0, '受付中', 'ANY', [FE('担当課')]),
    '受付': st('受付', 1, '受付中', 'ONE', [FE('担当者')]),
    '審査中': st('審査中', 2, '審査中', 'ONE', [FE('担当者')]),
    '修正待ち': st('修正待ち', 3, '修正依頼中', 'ONE', [FE('担当者')]),
    '係長確認': st('係長確認', 4, '審査中', 'ONE', [GE('kakaricho')]),
  };
  if (o.shinsa) states['審査係長確認'] = st('審査係長確認', 5, '審査中', 'ONE', [GE('shinsa-kakaricho')]);
  states['課長決裁'] = st('課長決裁', 6, '決裁中', 'ONE', [GE('kacho')]);
  states['部長決裁'] = st('部長決裁', 7, '決裁中', 'ONE', [GE('bucho')]);
  // final statuses have no assignee: nothing is left to do, so they leave everyone's inbox
  states['決裁完了'] = st('決裁完了', 8, '決裁完了', 'ONE', []);
  if (o.permit) states['不許可'] = st('不許可', 9, '決裁完了', 'ONE', []);
  states['取下げ'] = st('取下げ', 10, '取下げ', 'ONE', []);

  const done = [
    { field: '決裁日', value: 'TODAY()' },
    { field: '文書番号', value: { sequence: `${o.seq}:文書`, format: o.docFormat, reset: 'FISCAL_YEAR' } },
  ];
  const permitNo = o.permit ? [{ field: '許可番号', value: { sequence: `${o.seq}:許可`, format: o.permitFormat, reset: 'FISCAL_YEAR' } }] : [];
  const ok = o.okCond ?? (o.permit ? ' and 審査結果 in ("許可")' : '');
  const ng = ' and 審査結果 in ("不許可")';
  const A = (name, from, to, extra = {}) => ({ name, from, to, filterCond: '', type: 'PRIMARY', reason: 'NONE', ...extra });
  const actions = [
    A('受付する', '受付中', '受付', {
      executableUser: office,
      set: [
        { field: '受付番号', value: { sequence: `${o.seq}:受付`, format: o.receiptFormat, reset: 'FISCAL_YEAR' } },
        { field: '受付日', value: 'TODAY()' },
        { field: '担当者', value: 'LOGINUSER()' },
      ],
    }),
    A('取下げ', '受付中', '取下げ', { reason: 'REQUIRED', applicant: true, type: 'SECONDARY' }),
    A('審査開始', '受付', '審査中', {}),
    A('修正依頼', '受付', '修正待ち', { reason: 'OPTIONAL', type: 'SECONDARY' }),
    A('取下げ', '受付', '取下げ', { reason: 'REQUIRED', applicant: true, type: 'SECONDARY' }),
    A('係長確認へ', '審査中', '係長確認', {}),
    A('修正依頼', '審査中', '修正待ち', { reason: 'OPTIONAL', type: 'SECONDARY' }),
    A('取下げ', '審査中', '取下げ', { reason: 'REQUIRED', applicant: true, type: 'SECONDARY' }),
    A('修正回答', '修正待ち', '審査中', { applicantReply: true }),
    A('補正受領（窓口・郵送）', '修正待ち', '審査中', { reason: 'OPTIONAL', type: 'SECONDARY', executableUser: office }),
    A('取下げ', '修正待ち', '取下げ', { reason: 'REQUIRED', applicant: true, type: 'SECONDARY' }),
  ];
  // 係長確認
  const kk = { executableUser: office };
  if (o.shinsa === true) {
    actions.push(A('承認（審査係長へ）', '係長確認', '審査係長確認', kk));
  } else if (o.shinsa) {
    actions.push(A('承認（審査係長へ）', '係長確認', '審査係長確認', { ...kk, filterCond: o.shinsa.cond }));
    actions.push(A('承認（課長決裁へ）', '係長確認', '課長決裁', { ...kk, filterCond: o.shinsa.not }));
  } else {
    actions.push(A('承認（課長決裁へ）', '係長確認', '課長決裁', { ...kk, filterCond: '決裁区分 in ("課長", "部長")' }));
  }
  if (o.kakarichoDecides)
    actions.push(A('決裁（係長専決）', '係長確認', '決裁完了', { ...kk, filterCond: '決裁区分 in ("係長")', set: done }));
  actions.push(A('差戻し', '係長確認', '審査中', { ...kk, reason: 'REQUIRED', type: 'SECONDARY' }));
  if (o.shinsa) {
    actions.push(A('承認（課長決裁へ）', '審査係長確認', '課長決裁', kk));
    actions.push(A('差戻し', '審査係長確認', '審査中', { ...kk, reason: 'REQUIRED', type: 'SECONDARY' }));
  }
  // 課長決裁
  actions.push(A('決裁', '課長決裁', '決裁完了', { ...kk, filterCond: `決裁区分 in ("課長", "係長")${ok}`, set: [...done, ...permitNo] }));
  if (o.permit) actions.push(A('決裁（不許可）', '課長決裁', '不許可', { ...kk, filterCond: `決裁区分 in ("課長", "係長")${ng}`, reason: 'OPTIONAL', set: done }));
  actions.push(A('部長決裁へ', '課長決裁', '部長決裁', { ...kk, filterCond: '決裁区分 in ("部長")' }));
  actions.push(A('差戻し', '課長決裁', '審査中', { ...kk, reason: 'REQUIRED', type: 'SECONDARY' }));
  // 部長決裁: the 課長 chooses the 部長 (都市整備政策部長 or the 総合支所長) as the next assignee
  actions.push(A('決裁', '部長決裁', '決裁完了', { filterCond: ok.replace(/^ and /, ''), set: [...done, ...permitNo] }));
  if (o.permit) actions.push(A('決裁（不許可）', '部長決裁', '不許可', { filterCond: '審査結果 in ("不許可")', reason: 'OPTIONAL', set: done }));
  actions.push(A('差戻し', '部長決裁', '審査中', { reason: 'REQUIRED', type: 'SECONDARY' }));

  const autoActions = [
    { name: '修正依頼から30日', status: '修正待ち', afterDays: 30, notify: { to: 'ASSIGNEES', title: '修正依頼から30日が経ちました（申請者へ状況確認）' } },
    { name: '未受付5日', status: '受付中', afterDays: 5, notify: { to: 'ASSIGNEES', title: '到達から5日経っても受付されていません' } },
  ];
  return { enable: true, states, actions, autoActions };
}

export function clockDef(days, permit) {
  return {
    enable: true,
    days,
    startStatuses: ['受付'],
    pauseStatuses: ['修正待ち'],
    stopStatuses: ['決裁完了', ...(permit ? ['不許可'] : []), '取下げ'],
  };
}
