import { definePack } from '../language-pack.js';

/** Spanish plurals with their gender: cuántos/cuántas, los/las. */
interface EsItem {
  w: string;
  fem: boolean;
}

const cuantos = (i: EsItem): string => (i.fem ? 'Cuántas' : 'Cuántos');
const los = (i: EsItem): string => (i.fem ? 'las' : 'los');

export const es = definePack<EsItem>({
  language: 'es',
  names: ['Mateo', 'Lucía', 'Diego', 'Sofía', 'Pablo', 'Elena'],
  items: [
    { w: 'manzanas', fem: true },
    { w: 'lápices', fem: false },
    { w: 'libros', fem: false },
    { w: 'pegatinas', fem: true },
    { w: 'huevos', fem: false },
    { w: 'canicas', fem: true },
  ],
  questions: {
    'buy-more': (s) =>
      `${s.N} tiene ${s.a} ${s.I.w}. ${s.N} compra ${s.b} ${s.I.w} más. ¿${cuantos(s.I)} ${s.I.w} tiene ${s.N} ahora?`,
    'give-away': (s) =>
      `${s.N} tiene ${s.a} ${s.I.w} y le da ${s.b} a ${s.F}. ¿${cuantos(s.I)} ${s.I.w} le quedan a ${s.N}?`,
    packs: (s) =>
      `${s.N} compra ${s.a} bolsas de ${s.I.w}. Cada bolsa tiene ${s.b} ${s.I.w}. ¿${cuantos(s.I)} ${s.I.w} compra ${s.N} en total?`,
    'buy-then-give': (s) =>
      `${s.N} tiene ${s.a} ${s.I.w}. ${s.N} compra ${s.b} más y luego le da ${s.c} a ${s.F}. ¿${cuantos(s.I)} ${s.I.w} tiene ${s.N} ahora?`,
    'packs-minus': (s) =>
      `${s.N} compra ${s.a} bolsas con ${s.b} ${s.I.w} cada una y le da ${s.c} ${s.I.w} a ${s.F}. ¿${cuantos(s.I)} ${s.I.w} le quedan a ${s.N}?`,
    'packs-then-share': (s) =>
      `${s.N} compra ${s.a} bolsas con ${s.b} ${s.I.w} cada una y ya tiene ${s.c} ${s.I.w}. ${s.N} reparte ${s.I.fem ? 'todas' : 'todos'} ${los(s.I)} ${s.I.w} a partes iguales entre ${s.d} amigos. ¿${cuantos(s.I)} ${s.I.w} recibe cada amigo?`,
    lose: (s) =>
      `${s.N} tenía ${s.a} ${s.I.w}, pero perdió ${s.b} de camino a casa. ¿${cuantos(s.I)} ${s.I.w} tiene ${s.N} todavía?`,
    'boxes-plus-loose': (s) =>
      `${s.N} tiene ${s.a} cajas con ${s.b} ${s.I.w} cada una y ${s.c} ${s.I.w} más fuera de las cajas. ¿${cuantos(s.I)} ${s.I.w} tiene ${s.N} en total?`,
    'pages-left': (s) =>
      `Un libro tiene ${s.d} páginas. ${s.N} lee ${s.a} páginas cada día durante ${s.b} días y después lee ${s.c} páginas más. ¿Cuántas páginas le quedan por leer?`,
  },
  steps: {
    'buy-more': (s) => [`${s.N} empieza con ${s.a} ${s.I.w} y compra ${s.b} más, así que tiene ${s.eq[0]} ${s.I.w}.`],
    'give-away': (s) => [`${s.N} regala ${s.b} de ${los(s.I)} ${s.a} ${s.I.w}, así que quedan ${s.eq[0]} ${s.I.w}.`],
    packs: (s) => [`Hay ${s.a} bolsas con ${s.b} ${s.I.w} cada una, así que ${s.N} compra ${s.eq[0]} ${s.I.w}.`],
    'buy-then-give': (s) => [
      `Después de comprar, ${s.N} tiene ${s.eq[0]} ${s.I.w}.`,
      `Después de darle ${s.c} a ${s.F}, ${s.N} tiene ${s.eq[1]} ${s.I.w}.`,
    ],
    'packs-minus': (s) => [
      `Las bolsas contienen ${s.eq[0]} ${s.I.w}.`,
      `Después de regalar ${s.c}, a ${s.N} le quedan ${s.eq[1]} ${s.I.w}.`,
    ],
    'packs-then-share': (s) => [
      `Las bolsas contienen ${s.eq[0]} ${s.I.w}.`,
      `Junto con ${los(s.I)} ${s.c} ${s.I.w} que ${s.N} ya tiene, son ${s.eq[1]} ${s.I.w}.`,
      `Al repartir entre ${s.d} amigos, cada amigo recibe ${s.eq[2]} ${s.I.w}.`,
    ],
    lose: (s) => [`${s.N} perdió ${s.b} de ${los(s.I)} ${s.a} ${s.I.w}, así que quedan ${s.eq[0]} ${s.I.w}.`],
    'boxes-plus-loose': (s) => [
      `Las cajas contienen ${s.eq[0]} ${s.I.w}.`,
      `Sumando ${los(s.I)} ${s.c} de fuera de las cajas, son ${s.eq[1]} ${s.I.w}.`,
    ],
    'pages-left': (s) => [
      `En ${s.b} días, ${s.N} lee ${s.eq[0]} páginas.`,
      `Con ${s.c} páginas más, ${s.N} ha leído ${s.eq[1]} páginas.`,
      `El libro tiene ${s.d} páginas, así que quedan ${s.eq[2]} páginas.`,
    ],
  },
  answer: (value) => `La respuesta es ${value}.`,
});
