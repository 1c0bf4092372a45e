// Public form pieces of the Setagaya pack (docs/forms.md): the applicant, agent, site and
// building steps with their validation, the attachment step, and the sample answers
// (valid + invalid) the pack check and the installer's tests use.
import { ATT, PDF_RULES, A4A3 } from './common.mjs';

export const fe = (code, rules = {}, extra = {}) => ({ code, ...extra, rules });
const req = { required: true };
const corp = { field: '申請者区分', op: 'eq', value: '法人・団体' };
const agent = { field: '代理人の有無', op: 'eq', value: 'あり' };

export function applicantPage(who = '申請者') {
  return {
    title: `${who}・代理人`,
    sections: [
      { title: who, fields: [
        fe('申請者区分', req, { label: `${who}の別` }),
        fe('申請者氏名', { ...req, maxLength: 100 }, { label: '氏名又は名称', help: '個人は住民票どおり、法人は登記上の名称を記入してください。' }),
        fe('代表者役職', { maxLength: 50 }, { showIf: corp, requiredIf: corp }),
        fe('代表者氏名', { maxLength: 60 }, { showIf: corp, requiredIf: corp }),
        fe('申請者フリガナ', { ...req, format: 'katakana', maxLength: 100 }, { help: '全角カタカナ' }),
        fe('申請者郵便番号', { ...req, format: 'postcode' }, { help: '7桁（例: 154-0004）' }),
        fe('申請者住所', { ...req, maxLength: 200 }),
        fe('申請者電話番号', { ...req, format: 'phone' }, { help: '区からの連絡に使います（閲覧用写しでは伏せます）。' }),
        fe('申請者メール', { ...req, format: 'email' }),
      ] },
      { title: '代理人', fields: [
        fe('代理人の有無', req, { help: '設計者等に手続を委任する場合は「あり」。区からの連絡は通常代理人にします。' }),
      ] },
      { title: '代理人の情報', showIf: agent, fields: [
        fe('代理人氏名', { ...req, maxLength: 60 }),
        fe('代理人事務所名', { maxLength: 100 }),
        fe('建築士資格', {}),
        fe('建築士登録番号', { maxLength: 50 }, { help: '例: 大臣登録第123456号、東京都知事登録第12345号' }),
        fe('建築士事務所登録', { maxLength: 80 }, { help: '例: 一級建築士事務所 東京都知事登録第12345号' }),
        fe('代理人郵便番号', { ...req, format: 'postcode' }),
        fe('代理人住所', { ...req, maxLength: 200 }),
        fe('代理人電話番号', { ...req, format: 'phone' }),
        fe('代理人メール', { ...req, format: 'email' }),
      ] },
    ],
  };
}

export function siteSection(title = '建築場所') {
  return { title, fields: [
    fe('地域', { ...req, optionsFrom: 'chocho' }, { help: '町名を選ぶ前に地域を選んでください。' }),
    fe('町名', { ...req, optionsFrom: 'chocho', parent: '地域' }),
    fe('丁目', { optionsFrom: 'chocho', parent: ['地域', '町名'] },
      { requiredIf: { field: '町名', op: 'nin', value: ['駒沢公園', '砧公園'] } }),
    fe('地番', { ...req, maxLength: 100, pattern: '[0-9０-９]+番[0-9０-９]*([、，,][ 　]*[0-9０-９]+番[0-9０-９]*)*' },
      { label: '地名地番（登記）', help: '登記上の地番を「123番4」の形で。複数筆は「、」で区切ります。住居表示（○番○号）とは異なります。' }),
    fe('住居表示', { maxLength: 100 }, { help: '例: 2番3号（住居表示未実施区域は空欄）' }),
    fe('敷地面積', { ...req, min: 0.01, max: 1000000 }, { label: '敷地面積（㎡）', help: '求積図と一致させてください。小数第2位まで。' }),
  ] };
}

export function zoningSection() {
  return { title: '地域地区', fields: [
    fe('用途地域', req),
    fe('指定建ぺい率', { ...req, min: 30, max: 80 }, { label: '指定建ぺい率（%）' }),
    fe('指定容積率', { ...req, min: 50, max: 1300 }, { label: '指定容積率（%）' }),
    fe('防火指定', req),
    fe('高度地区', {}),
    fe('その他地域地区', { maxLength: 200 }),
  ] };
}

export function buildingSection(title = '建築物の概要', { units = true } = {}) {
  return { title, fields: [
    fe('工事種別', req),
    fe('主要用途', req),
    fe('構造', req),
    fe('地上階数', { ...req, min: 0, max: 80, pattern: '[0-9０-９]+' }),
    fe('地下階数', { ...req, min: 0, max: 10, pattern: '[0-9０-９]+' }),
    fe('最高高さ', { ...req, min: 0, max: 300 }, { label: '最高の高さ（m）' }),
    fe('最高軒高', { min: 0, max: 300 }, { label: '最高の軒の高さ（m）' }),
    fe('建築面積', { ...req, min: 0, max: 1000000 }, { label: '建築面積（㎡）' }),
    fe('延べ面積', { ...req, min: 0, max: 10000000 }, { label: '延べ面積（㎡）', help: '建築物全体の延べ面積' }),
    ...(units ? [fe('住戸数', { min: 1, max: 10000, pattern: '[0-9０-９]+' },
      { showIf: { field: '主要用途', op: 'in', value: ['長屋', '共同住宅', '寄宿舎'] },
        requiredIf: { field: '主要用途', op: 'in', value: ['長屋', '共同住宅', '寄宿舎'] } })] : []),
    fe('建築物の名称', { maxLength: 100 }),
  ] };
}

export function scheduleSection({ kakunin = true, startHelp } = {}) {
  return { title: '予定日', fields: [
    ...(kakunin ? [fe('確認申請予定日', {}, { help: '建築を伴う場合' })] : []),
    fe('着手予定日', req, startHelp ? { help: startHelp } : {}),
    fe('完了予定日', req),
  ] };
}

/* attachments: [[code, required | condition]] */
export function attachmentPage(list, note = '') {
  return {
    title: '添付図書',
    sections: [{ title: '添付図書（PDF）', fields: list.map(([c, r]) => {
      const [code, label, help] = ATT[c];
      const extra = { label, help: [help, A4A3].filter(Boolean).join(' ') };
      if (c === 'A10') return fe(code, { ...PDF_RULES }, { ...extra, showIf: agent, requiredIf: agent });
      if (r === true) return fe(code, { ...req, ...PDF_RULES }, extra);
      if (r && typeof r === 'object') return fe(code, { ...PDF_RULES }, { ...extra, requiredIf: r });
      return fe(code, { ...PDF_RULES }, extra);
    }) }],
    ...(note ? {} : {}),
  };
}

export function form(o) {
  return {
    form: {
      code: o.code,
      app: o.app,
      title: o.title,
      procedure: o.procedure,
      description: o.description,
      prepare: o.prepare,
      deadlineNote: o.deadlineNote,
      opensAt: null,
      closesAt: null,
      verification: 'required',
      offline: null,
      receipt: { sequence: `setagaya:web:${o.app}`, format: o.receiptFormat, reset: 'FISCAL_YEAR' },
      maxTotalBytes: 104857600,
      pages: o.pages,
    },
    ...(o.notes ? { notes: o.notes } : {}),
  };
}

// ---- samples -------------------------------------------------------------------------------

export const PDF = '<pdf>'; // pack-check uploads a small PDF for file fields with this value

export const sampleApplicant = {
  '申請者区分': '個人', '申請者氏名': '世田谷 太郎', '申請者フリガナ': 'セタガヤ タロウ',
  '申請者郵便番号': '154-0004', '申請者住所': '東京都世田谷区太子堂一丁目1番1号',
  '申請者電話番号': '03-5432-1111', '申請者メール': 'taro@example.jp',
  '代理人の有無': 'あり', '代理人氏名': '三軒 花子', '代理人事務所名': '三軒設計事務所', '建築士資格': '一級建築士',
  '建築士登録番号': '大臣登録第123456号', '建築士事務所登録': '一級建築士事務所 東京都知事登録第12345号',
  '代理人郵便番号': '154-0024', '代理人住所': '東京都世田谷区三軒茶屋二丁目2番2号',
  '代理人電話番号': '03-5432-2222', '代理人メール': 'hanako@example.jp',
};
export const sampleSite = {
  '地域': '世田谷', '町名': '太子堂', '丁目': '二丁目', '地番': '123番4', '住居表示': '2番3号', '敷地面積': '180.50',
};
export const sampleZoning = {
  '用途地域': ['第一種中高層住居専用地域'], '指定建ぺい率': '60', '指定容積率': '200', '防火指定': '準防火地域', '高度地区': '第2種高度地区',
};
export const sampleBuilding = {
  '工事種別': ['新築'], '主要用途': '一戸建ての住宅', '構造': '木造', '地上階数': '2', '地下階数': '0',
  '最高高さ': '8.50', '最高軒高': '6.80', '建築面積': '90.20', '延べ面積': '160.30', '建築物の名称': '世田谷邸',
};
export const sampleSchedule = { '確認申請予定日': '2030-04-01', '着手予定日': '2030-05-07', '完了予定日': '2030-12-25' };

export const invalidApplicant = [
  { field: '申請者郵便番号', value: '154-00', why: '郵便番号は7桁' },
  { field: '申請者フリガナ', value: 'せたがや たろう', why: 'フリガナは全角カタカナ' },
  { field: '申請者電話番号', value: '5432-1111', why: '市外局番のない電話番号' },
  { field: '申請者メール', value: 'taro@', why: 'メールアドレスの形式でない' },
  { field: '申請者氏名', value: '', why: '必須' },
  { field: '代理人郵便番号', value: '1540024x', why: '代理人ありのとき郵便番号は7桁' },
];
export const invalidSite = [
  { field: '町名', value: '渋谷', why: '区内の町名でない' },
  { field: '丁目', value: '九丁目', why: '太子堂に九丁目はない' },
  { field: '地番', value: '2番3号', why: '住居表示を地番欄に入力（「号」は地番にない）' },
  { field: '敷地面積', value: '-5', why: '敷地面積は正の数' },
];
export const invalidBuilding = [
  { field: '地上階数', value: '2.5', why: '階数は整数' },
  { field: '延べ面積', value: 'abc', why: '数値でない' },
];
