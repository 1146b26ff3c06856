import { definePack } from '../language-pack.js';

/** German plurals in the nominative and the dative ("mit je 14 Bleistiften"). */
interface DeItem {
  nom: string;
  dat: string;
}

export const de = definePack<DeItem>({
  language: 'de',
  names: ['Lukas', 'Mia', 'Felix', 'Lena', 'Paul', 'Hannah'],
  items: [
    { nom: 'Äpfel', dat: 'Äpfeln' },
    { nom: 'Bleistifte', dat: 'Bleistiften' },
    { nom: 'Bücher', dat: 'Büchern' },
    { nom: 'Aufkleber', dat: 'Aufklebern' },
    { nom: 'Eier', dat: 'Eiern' },
    { nom: 'Murmeln', dat: 'Murmeln' },
  ],
  questions: {
    'buy-more': (s) =>
      `${s.N} hat ${s.a} ${s.I.nom}. ${s.N} kauft ${s.b} weitere ${s.I.nom}. Wie viele ${s.I.nom} hat ${s.N} jetzt?`,
    'give-away': (s) =>
      `${s.N} hat ${s.a} ${s.I.nom} und gibt ${s.F} ${s.b} davon. Wie viele ${s.I.nom} hat ${s.N} noch?`,
    packs: (s) =>
      `${s.N} kauft ${s.a} Tüten ${s.I.nom}. In jeder Tüte sind ${s.b} ${s.I.nom}. Wie viele ${s.I.nom} kauft ${s.N} insgesamt?`,
    'buy-then-give': (s) =>
      `${s.N} hat ${s.a} ${s.I.nom}. ${s.N} kauft ${s.b} weitere und gibt dann ${s.F} ${s.c} davon. Wie viele ${s.I.nom} hat ${s.N} jetzt?`,
    'packs-minus': (s) =>
      `${s.N} kauft ${s.a} Tüten mit je ${s.b} ${s.I.dat} und gibt ${s.F} ${s.c} ${s.I.nom}. Wie viele ${s.I.nom} hat ${s.N} noch?`,
    'packs-then-share': (s) =>
      `${s.N} kauft ${s.a} Tüten mit je ${s.b} ${s.I.dat} und hat schon ${s.c} ${s.I.nom}. ${s.N} verteilt alle ${s.I.nom} gleichmäßig an ${s.d} Freunde. Wie viele ${s.I.nom} bekommt jeder Freund?`,
    lose: (s) =>
      `${s.N} hatte ${s.a} ${s.I.nom}, hat aber auf dem Heimweg ${s.b} davon verloren. Wie viele ${s.I.nom} hat ${s.N} noch?`,
    'boxes-plus-loose': (s) =>
      `${s.N} hat ${s.a} Schachteln mit je ${s.b} ${s.I.dat} und ${s.c} weitere ${s.I.nom} außerhalb der Schachteln. Wie viele ${s.I.nom} hat ${s.N} insgesamt?`,
    'pages-left': (s) =>
      `Ein Buch hat ${s.d} Seiten. ${s.N} liest ${s.b} Tage lang jeden Tag ${s.a} Seiten und danach noch ${s.c} Seiten. Wie viele Seiten sind noch zu lesen?`,
  },
  steps: {
    'buy-more': (s) => [
      `${s.N} hat zuerst ${s.a} ${s.I.nom} und kauft ${s.b} dazu, also hat ${s.N} ${s.eq[0]} ${s.I.nom}.`,
    ],
    'give-away': (s) => [`${s.N} gibt ${s.b} der ${s.a} ${s.I.nom} ab, also bleiben ${s.eq[0]} ${s.I.nom}.`],
    packs: (s) => [`Es sind ${s.a} Tüten mit je ${s.b} ${s.I.dat}, also kauft ${s.N} ${s.eq[0]} ${s.I.nom}.`],
    'buy-then-give': (s) => [
      `Nach dem Kauf hat ${s.N} ${s.eq[0]} ${s.I.nom}.`,
      `Nachdem ${s.N} ${s.F} ${s.c} gegeben hat, bleiben ${s.eq[1]} ${s.I.nom}.`,
    ],
    'packs-minus': (s) => [
      `In den Tüten sind ${s.eq[0]} ${s.I.nom}.`,
      `Nachdem ${s.N} ${s.c} abgegeben hat, bleiben ${s.eq[1]} ${s.I.nom}.`,
    ],
    'packs-then-share': (s) => [
      `In den Tüten sind ${s.eq[0]} ${s.I.nom}.`,
      `Mit den ${s.c} ${s.I.dat}, die ${s.N} schon hat, sind es ${s.eq[1]} ${s.I.nom}.`,
      `Verteilt an ${s.d} Freunde bekommt jeder ${s.eq[2]} ${s.I.nom}.`,
    ],
    lose: (s) => [`${s.N} hat ${s.b} der ${s.a} ${s.I.nom} verloren, also bleiben ${s.eq[0]} ${s.I.nom}.`],
    'boxes-plus-loose': (s) => [
      `In den Schachteln sind ${s.eq[0]} ${s.I.nom}.`,
      `Mit den ${s.c} außerhalb der Schachteln sind es ${s.eq[1]} ${s.I.nom}.`,
    ],
    'pages-left': (s) => [
      `In ${s.b} Tagen liest ${s.N} ${s.eq[0]} Seiten.`,
      `Mit ${s.c} weiteren Seiten hat ${s.N} ${s.eq[1]} Seiten gelesen.`,
      `Das Buch hat ${s.d} Seiten, also bleiben ${s.eq[2]} Seiten.`,
    ],
  },
  answer: (value) => `Die Antwort ist ${value}.`,
});
