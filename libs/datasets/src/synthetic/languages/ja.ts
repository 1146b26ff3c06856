import { definePack } from '../language-pack.js';

/** Japanese counts with counters: りんご 3個, 鉛筆 3本, 本 3冊, シール 3枚. */
interface JaItem {
  noun: string;
  counter: string;
}

export const ja = definePack<JaItem>({
  language: 'ja',
  names: ['太郎', '花子', '健太', 'さくら', '翔太', '美咲'],
  items: [
    { noun: 'りんご', counter: '個' },
    { noun: '鉛筆', counter: '本' },
    { noun: '本', counter: '冊' },
    { noun: 'シール', counter: '枚' },
    { noun: '卵', counter: '個' },
    { noun: 'ビー玉', counter: '個' },
  ],
  questions: {
    'buy-more': (s) =>
      `${s.N}さんは${s.I.noun}を${s.a}${s.I.counter}持っています。さらに${s.b}${s.I.counter}買いました。${s.N}さんは今、${s.I.noun}を何${s.I.counter}持っていますか？`,
    'give-away': (s) =>
      `${s.N}さんは${s.I.noun}を${s.a}${s.I.counter}持っていて、${s.F}さんに${s.b}${s.I.counter}あげました。${s.N}さんの${s.I.noun}は何${s.I.counter}残っていますか？`,
    packs: (s) =>
      `${s.N}さんは${s.I.noun}を${s.a}袋買いました。1袋には${s.I.noun}が${s.b}${s.I.counter}入っています。${s.N}さんは全部で${s.I.noun}を何${s.I.counter}買いましたか？`,
    'buy-then-give': (s) =>
      `${s.N}さんは${s.I.noun}を${s.a}${s.I.counter}持っています。さらに${s.b}${s.I.counter}買い、そのあと${s.F}さんに${s.c}${s.I.counter}あげました。${s.N}さんは今、${s.I.noun}を何${s.I.counter}持っていますか？`,
    'packs-minus': (s) =>
      `${s.N}さんは${s.I.noun}が${s.b}${s.I.counter}ずつ入った袋を${s.a}袋買い、${s.F}さんに${s.c}${s.I.counter}あげました。${s.N}さんの${s.I.noun}は何${s.I.counter}残っていますか？`,
    'packs-then-share': (s) =>
      `${s.N}さんは${s.I.noun}が${s.b}${s.I.counter}ずつ入った袋を${s.a}袋買いました。すでに${s.I.noun}を${s.c}${s.I.counter}持っています。すべての${s.I.noun}を${s.d}人の友だちで同じ数ずつ分けると、1人何${s.I.counter}になりますか？`,
    lose: (s) =>
      `${s.N}さんは${s.I.noun}を${s.a}${s.I.counter}持っていましたが、帰り道で${s.b}${s.I.counter}なくしました。${s.N}さんの${s.I.noun}はまだ何${s.I.counter}ありますか？`,
    'boxes-plus-loose': (s) =>
      `${s.N}さんは${s.I.noun}が${s.b}${s.I.counter}ずつ入った箱を${s.a}箱持っていて、箱の外にも${s.I.noun}が${s.c}${s.I.counter}あります。${s.N}さんの${s.I.noun}は全部で何${s.I.counter}ですか？`,
    'pages-left': (s) =>
      `${s.d}ページの本があります。${s.N}さんは毎日${s.a}ページずつ${s.b}日間読み、そのあとさらに${s.c}ページ読みました。残りは何ページですか？`,
  },
  steps: {
    'buy-more': (s) => [
      `${s.N}さんは最初に${s.a}${s.I.counter}持っていて、${s.b}${s.I.counter}買ったので、${s.eq[0]}${s.I.counter}になります。`,
    ],
    'give-away': (s) => [
      `${s.a}${s.I.counter}のうち${s.b}${s.I.counter}をあげたので、残りは${s.eq[0]}${s.I.counter}です。`,
    ],
    packs: (s) => [`${s.b}${s.I.counter}入りの袋が${s.a}袋なので、${s.eq[0]}${s.I.counter}です。`],
    'buy-then-give': (s) => [
      `買ったあとは${s.eq[0]}${s.I.counter}です。`,
      `${s.F}さんに${s.c}${s.I.counter}あげたので、${s.eq[1]}${s.I.counter}になります。`,
    ],
    'packs-minus': (s) => [
      `袋の中の${s.I.noun}は${s.eq[0]}${s.I.counter}です。`,
      `${s.c}${s.I.counter}あげたので、残りは${s.eq[1]}${s.I.counter}です。`,
    ],
    'packs-then-share': (s) => [
      `袋の中の${s.I.noun}は${s.eq[0]}${s.I.counter}です。`,
      `もともと持っていた${s.c}${s.I.counter}を合わせると、${s.eq[1]}${s.I.counter}です。`,
      `${s.d}人で分けるので、1人${s.eq[2]}${s.I.counter}です。`,
    ],
    lose: (s) => [`${s.a}${s.I.counter}のうち${s.b}${s.I.counter}をなくしたので、残りは${s.eq[0]}${s.I.counter}です。`],
    'boxes-plus-loose': (s) => [
      `箱の中の${s.I.noun}は${s.eq[0]}${s.I.counter}です。`,
      `箱の外の${s.c}${s.I.counter}を足すと、${s.eq[1]}${s.I.counter}です。`,
    ],
    'pages-left': (s) => [
      `${s.b}日間で${s.eq[0]}ページ読みます。`,
      `さらに${s.c}ページ読んだので、${s.eq[1]}ページ読んだことになります。`,
      `本は${s.d}ページなので、残りは${s.eq[2]}ページです。`,
    ],
  },
  answer: (value) => `答えは${value}です。`,
});
