import { definePack } from '../language-pack.js';

export const en = definePack<string>({
  language: 'en',
  names: ['Tom', 'Anna', 'Ben', 'Lucy', 'Sam', 'Emma'],
  items: ['apples', 'pencils', 'books', 'stickers', 'eggs', 'marbles'],
  questions: {
    'buy-more': (s) =>
      `${s.N} has ${s.a} ${s.I}. ${s.N} buys ${s.b} more ${s.I}. How many ${s.I} does ${s.N} have now?`,
    'give-away': (s) =>
      `${s.N} has ${s.a} ${s.I} and gives ${s.b} of them to ${s.F}. How many ${s.I} does ${s.N} have left?`,
    packs: (s) =>
      `${s.N} buys ${s.a} bags of ${s.I}. Each bag holds ${s.b} ${s.I}. How many ${s.I} does ${s.N} buy in total?`,
    'buy-then-give': (s) =>
      `${s.N} has ${s.a} ${s.I}. ${s.N} buys ${s.b} more, then gives ${s.c} to ${s.F}. How many ${s.I} does ${s.N} have now?`,
    'packs-minus': (s) =>
      `${s.N} buys ${s.a} bags with ${s.b} ${s.I} in each bag and gives ${s.c} ${s.I} to ${s.F}. How many ${s.I} does ${s.N} have left?`,
    'packs-then-share': (s) =>
      `${s.N} buys ${s.a} bags with ${s.b} ${s.I} in each bag and already has ${s.c} ${s.I}. ${s.N} shares all the ${s.I} equally among ${s.d} friends. How many ${s.I} does each friend get?`,
    lose: (s) =>
      `${s.N} had ${s.a} ${s.I} but lost ${s.b} of them on the way home. How many ${s.I} does ${s.N} still have?`,
    'boxes-plus-loose': (s) =>
      `${s.N} has ${s.a} boxes of ${s.I} with ${s.b} ${s.I} in each box, and ${s.c} more ${s.I} outside the boxes. How many ${s.I} does ${s.N} have altogether?`,
    'pages-left': (s) =>
      `A book has ${s.d} pages. ${s.N} reads ${s.a} pages every day for ${s.b} days, then reads ${s.c} more pages. How many pages are left to read?`,
  },
  steps: {
    'buy-more': (s) => [`${s.N} starts with ${s.a} ${s.I} and buys ${s.b} more, so ${s.N} has ${s.eq[0]} ${s.I}.`],
    'give-away': (s) => [`${s.N} gives ${s.b} of the ${s.a} ${s.I} away, so ${s.eq[0]} ${s.I} are left.`],
    packs: (s) => [`There are ${s.a} bags with ${s.b} ${s.I} each, so ${s.N} buys ${s.eq[0]} ${s.I}.`],
    'buy-then-give': (s) => [
      `After buying, ${s.N} has ${s.eq[0]} ${s.I}.`,
      `After giving ${s.c} to ${s.F}, ${s.N} has ${s.eq[1]} ${s.I}.`,
    ],
    'packs-minus': (s) => [
      `The bags hold ${s.eq[0]} ${s.I}.`,
      `After giving ${s.c} away, ${s.N} has ${s.eq[1]} ${s.I} left.`,
    ],
    'packs-then-share': (s) => [
      `The bags hold ${s.eq[0]} ${s.I}.`,
      `Together with the ${s.c} ${s.I} ${s.N} already has, that makes ${s.eq[1]} ${s.I}.`,
      `Shared among ${s.d} friends, each friend gets ${s.eq[2]} ${s.I}.`,
    ],
    lose: (s) => [`${s.N} lost ${s.b} of the ${s.a} ${s.I}, so ${s.eq[0]} ${s.I} remain.`],
    'boxes-plus-loose': (s) => [
      `The boxes hold ${s.eq[0]} ${s.I}.`,
      `Adding the ${s.c} outside the boxes gives ${s.eq[1]} ${s.I}.`,
    ],
    'pages-left': (s) => [
      `In ${s.b} days ${s.N} reads ${s.eq[0]} pages.`,
      `With ${s.c} more pages, ${s.N} has read ${s.eq[1]} pages.`,
      `The book has ${s.d} pages, so ${s.eq[2]} pages are left.`,
    ],
  },
  answer: (value) => `The answer is ${value}.`,
});
