import { definePack } from '../language-pack.js';

/** Chinese counts with measure words: 3个苹果, 3支铅笔, 3本书, 3张贴纸. */
interface ZhItem {
  noun: string;
  measure: string;
}

export const zh = definePack<ZhItem>({
  language: 'zh',
  names: ['小明', '小红', '小刚', '小丽', '小华', '小芳'],
  items: [
    { noun: '苹果', measure: '个' },
    { noun: '铅笔', measure: '支' },
    { noun: '书', measure: '本' },
    { noun: '贴纸', measure: '张' },
    { noun: '鸡蛋', measure: '个' },
    { noun: '弹珠', measure: '颗' },
  ],
  questions: {
    'buy-more': (s) =>
      `${s.N}有${s.a}${s.I.measure}${s.I.noun}，又买了${s.b}${s.I.measure}。${s.N}现在有多少${s.I.measure}${s.I.noun}？`,
    'give-away': (s) =>
      `${s.N}有${s.a}${s.I.measure}${s.I.noun}，送给${s.F}${s.b}${s.I.measure}。${s.N}还剩多少${s.I.measure}${s.I.noun}？`,
    packs: (s) =>
      `${s.N}买了${s.a}袋${s.I.noun}，每袋有${s.b}${s.I.measure}。${s.N}一共买了多少${s.I.measure}${s.I.noun}？`,
    'buy-then-give': (s) =>
      `${s.N}有${s.a}${s.I.measure}${s.I.noun}，又买了${s.b}${s.I.measure}，然后送给${s.F}${s.c}${s.I.measure}。${s.N}现在有多少${s.I.measure}${s.I.noun}？`,
    'packs-minus': (s) =>
      `${s.N}买了${s.a}袋${s.I.noun}，每袋${s.b}${s.I.measure}，送给${s.F}${s.c}${s.I.measure}。${s.N}还剩多少${s.I.measure}${s.I.noun}？`,
    'packs-then-share': (s) =>
      `${s.N}买了${s.a}袋${s.I.noun}，每袋${s.b}${s.I.measure}，原来已经有${s.c}${s.I.measure}。${s.N}把所有${s.I.noun}平均分给${s.d}个朋友。每个朋友分到多少${s.I.measure}？`,
    lose: (s) =>
      `${s.N}原来有${s.a}${s.I.measure}${s.I.noun}，回家路上丢了${s.b}${s.I.measure}。${s.N}还有多少${s.I.measure}${s.I.noun}？`,
    'boxes-plus-loose': (s) =>
      `${s.N}有${s.a}盒${s.I.noun}，每盒${s.b}${s.I.measure}，盒子外面还有${s.c}${s.I.measure}。${s.N}一共有多少${s.I.measure}${s.I.noun}？`,
    'pages-left': (s) => `一本书有${s.d}页。${s.N}每天读${s.a}页，读了${s.b}天，然后又读了${s.c}页。还剩多少页没读？`,
  },
  steps: {
    'buy-more': (s) => [
      `${s.N}原来有${s.a}${s.I.measure}，又买了${s.b}${s.I.measure}，所以有${s.eq[0]}${s.I.measure}。`,
    ],
    'give-away': (s) => [`${s.a}${s.I.measure}中送出${s.b}${s.I.measure}，所以剩下${s.eq[0]}${s.I.measure}。`],
    packs: (s) => [`${s.a}袋，每袋${s.b}${s.I.measure}，所以一共${s.eq[0]}${s.I.measure}。`],
    'buy-then-give': (s) => [
      `买了以后有${s.eq[0]}${s.I.measure}。`,
      `送给${s.F}${s.c}${s.I.measure}后，还有${s.eq[1]}${s.I.measure}。`,
    ],
    'packs-minus': (s) => [
      `袋子里一共有${s.eq[0]}${s.I.measure}${s.I.noun}。`,
      `送出${s.c}${s.I.measure}后，还剩${s.eq[1]}${s.I.measure}。`,
    ],
    'packs-then-share': (s) => [
      `袋子里一共有${s.eq[0]}${s.I.measure}${s.I.noun}。`,
      `加上原来的${s.c}${s.I.measure}，一共${s.eq[1]}${s.I.measure}。`,
      `平均分给${s.d}个朋友，每人${s.eq[2]}${s.I.measure}。`,
    ],
    lose: (s) => [`${s.a}${s.I.measure}中丢了${s.b}${s.I.measure}，所以还剩${s.eq[0]}${s.I.measure}。`],
    'boxes-plus-loose': (s) => [
      `盒子里一共有${s.eq[0]}${s.I.measure}${s.I.noun}。`,
      `加上盒子外面的${s.c}${s.I.measure}，一共${s.eq[1]}${s.I.measure}。`,
    ],
    'pages-left': (s) => [
      `${s.b}天读了${s.eq[0]}页。`,
      `又读了${s.c}页，一共读了${s.eq[1]}页。`,
      `这本书有${s.d}页，所以还剩${s.eq[2]}页。`,
    ],
  },
  answer: (value) => `答案是${value}。`,
});
