import { definePack } from '../language-pack.js';

/** French plurals with their gender, for "tous/toutes les". */
interface FrItem {
  w: string;
  fem: boolean;
}

/** "de" elides before a vowel: combien d'œufs. */
const de = (i: FrItem): string => (/^[aeiouyœéè]/i.test(i.w) ? `d'${i.w}` : `de ${i.w}`);

export const fr = definePack<FrItem>({
  language: 'fr',
  names: ['Lucas', 'Chloé', 'Hugo', 'Léa', 'Louis', 'Manon'],
  items: [
    { w: 'pommes', fem: true },
    { w: 'crayons', fem: false },
    { w: 'livres', fem: false },
    { w: 'autocollants', fem: false },
    { w: 'œufs', fem: false },
    { w: 'billes', fem: true },
  ],
  questions: {
    'buy-more': (s) =>
      `${s.N} a ${s.a} ${s.I.w}. ${s.N} en achète ${s.b} de plus. Combien ${de(s.I)} a ${s.N} maintenant ?`,
    'give-away': (s) =>
      `${s.N} a ${s.a} ${s.I.w} et en donne ${s.b} à ${s.F}. Combien ${de(s.I)} reste-t-il à ${s.N} ?`,
    packs: (s) =>
      `${s.N} achète ${s.a} sachets ${de(s.I)}. Chaque sachet contient ${s.b} ${s.I.w}. Combien ${de(s.I)} achète ${s.N} en tout ?`,
    'buy-then-give': (s) =>
      `${s.N} a ${s.a} ${s.I.w}. ${s.N} en achète ${s.b} de plus, puis en donne ${s.c} à ${s.F}. Combien ${de(s.I)} a ${s.N} maintenant ?`,
    'packs-minus': (s) =>
      `${s.N} achète ${s.a} sachets de ${s.b} ${s.I.w} chacun et donne ${s.c} ${s.I.w} à ${s.F}. Combien ${de(s.I)} reste-t-il à ${s.N} ?`,
    'packs-then-share': (s) =>
      `${s.N} achète ${s.a} sachets de ${s.b} ${s.I.w} chacun et possède déjà ${s.c} ${s.I.w}. ${s.N} partage ${s.I.fem ? 'toutes' : 'tous'} les ${s.I.w} équitablement entre ${s.d} amis. Combien ${de(s.I)} chaque ami reçoit-il ?`,
    lose: (s) =>
      `${s.N} avait ${s.a} ${s.I.w} mais en a perdu ${s.b} en rentrant à la maison. Combien ${de(s.I)} a encore ${s.N} ?`,
    'boxes-plus-loose': (s) =>
      `${s.N} a ${s.a} boîtes de ${s.b} ${s.I.w} chacune, et ${s.c} ${s.I.w} en dehors des boîtes. Combien ${de(s.I)} a ${s.N} en tout ?`,
    'pages-left': (s) =>
      `Un livre a ${s.d} pages. ${s.N} lit ${s.a} pages par jour pendant ${s.b} jours, puis lit encore ${s.c} pages. Combien de pages reste-t-il à lire ?`,
  },
  steps: {
    'buy-more': (s) => [
      `${s.N} commence avec ${s.a} ${s.I.w} et en achète ${s.b} de plus, donc ${s.N} a ${s.eq[0]} ${s.I.w}.`,
    ],
    'give-away': (s) => [`${s.N} donne ${s.b} des ${s.a} ${s.I.w}, il en reste donc ${s.eq[0]}.`],
    packs: (s) => [`Il y a ${s.a} sachets de ${s.b} ${s.I.w}, donc ${s.N} achète ${s.eq[0]} ${s.I.w}.`],
    'buy-then-give': (s) => [
      `Après l'achat, ${s.N} a ${s.eq[0]} ${s.I.w}.`,
      `Après en avoir donné ${s.c} à ${s.F}, ${s.N} a ${s.eq[1]} ${s.I.w}.`,
    ],
    'packs-minus': (s) => [
      `Les sachets contiennent ${s.eq[0]} ${s.I.w}.`,
      `Après en avoir donné ${s.c}, il reste ${s.eq[1]} ${s.I.w} à ${s.N}.`,
    ],
    'packs-then-share': (s) => [
      `Les sachets contiennent ${s.eq[0]} ${s.I.w}.`,
      `Avec les ${s.c} ${s.I.w} que ${s.N} possède déjà, cela fait ${s.eq[1]} ${s.I.w}.`,
      `Après le partage entre ${s.d} amis, chaque ami reçoit ${s.eq[2]} ${s.I.w}.`,
    ],
    lose: (s) => [`${s.N} a perdu ${s.b} des ${s.a} ${s.I.w}, il en reste donc ${s.eq[0]}.`],
    'boxes-plus-loose': (s) => [
      `Les boîtes contiennent ${s.eq[0]} ${s.I.w}.`,
      `En ajoutant les ${s.c} hors des boîtes, on obtient ${s.eq[1]} ${s.I.w}.`,
    ],
    'pages-left': (s) => [
      `En ${s.b} jours, ${s.N} lit ${s.eq[0]} pages.`,
      `Avec ${s.c} pages de plus, ${s.N} a lu ${s.eq[1]} pages.`,
      `Le livre a ${s.d} pages, il reste donc ${s.eq[2]} pages.`,
    ],
  },
  answer: (value) => `La réponse est ${value}.`,
});
