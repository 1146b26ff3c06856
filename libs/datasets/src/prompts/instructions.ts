import type { LanguageCode } from '@xreason/contracts';

/**
 * "Always think in {language}" followed by the task, one line each, for every language xreason
 * supports. The Japanese, French and Spanish math prompts are the published ones, verbatim (the
 * budget-alignment work); the other languages are written to the same pattern by us.
 */
export interface LanguageInstructions {
  /** "Always think in {language}." */
  think: string;
  /** "Solve the following math problem step by step." */
  math: string;
  /** "Answer the following multiple-choice question step by step, ending with the letter of the correct option." */
  choice: string;
  /** "Decide step by step whether the premise entails the hypothesis, contradicts it, or neither." */
  nli: string;
}

export const INSTRUCTIONS: Record<LanguageCode, LanguageInstructions> = {
  ar: {
    think: 'فكّر دائمًا باللغة العربية.',
    math: 'حُلّ المسألة الرياضية التالية خطوة بخطوة.',
    choice: 'أجب عن سؤال الاختيار من متعدد التالي خطوة بخطوة، واختم بحرف الخيار الصحيح.',
    nli: 'قرّر خطوة بخطوة ما إذا كانت المقدمة تستلزم الفرضية أو تناقضها أو لا هذا ولا ذاك.',
  },
  bg: {
    think: 'Винаги мисли на български.',
    math: 'Реши следната математическа задача стъпка по стъпка.',
    choice: 'Отговори на следващия въпрос с избор на отговор стъпка по стъпка и завърши с буквата на верния отговор.',
    nli: 'Реши стъпка по стъпка дали предпоставката следва хипотезата, противоречи ѝ или нито едното.',
  },
  bn: {
    think: 'সবসময় বাংলায় চিন্তা করুন।',
    math: 'নিচের গণিত সমস্যাটি ধাপে ধাপে সমাধান করুন।',
    choice: 'নিচের বহুনির্বাচনী প্রশ্নের উত্তর ধাপে ধাপে দিন এবং সঠিক বিকল্পের অক্ষর দিয়ে শেষ করুন।',
    nli: 'ধাপে ধাপে নির্ধারণ করুন যে প্রতিজ্ঞাটি অনুমানকে সমর্থন করে, তার বিরোধিতা করে, নাকি কোনোটিই নয়।',
  },
  de: {
    think: 'Denke immer auf Deutsch.',
    math: 'Löse die folgende Mathematikaufgabe Schritt für Schritt.',
    choice:
      'Beantworte die folgende Multiple-Choice-Frage Schritt für Schritt und schließe mit dem Buchstaben der richtigen Option.',
    nli: 'Entscheide Schritt für Schritt, ob die Prämisse die Hypothese impliziert, ihr widerspricht oder keines von beidem.',
  },
  el: {
    think: 'Σκέψου πάντα στα ελληνικά.',
    math: 'Λύσε το παρακάτω μαθηματικό πρόβλημα βήμα προς βήμα.',
    choice:
      'Απάντησε στην παρακάτω ερώτηση πολλαπλής επιλογής βήμα προς βήμα και τελείωσε με το γράμμα της σωστής επιλογής.',
    nli: 'Αποφάσισε βήμα προς βήμα αν η προκείμενη συνεπάγεται την υπόθεση, την αντικρούει ή τίποτα από τα δύο.',
  },
  en: {
    think: 'Always think in English.',
    math: 'Solve the following math problem step by step.',
    choice: 'Answer the following multiple-choice question step by step, ending with the letter of the correct option.',
    nli: 'Decide step by step whether the premise entails the hypothesis, contradicts it, or neither.',
  },
  es: {
    think: 'Siempre piensa en español.',
    math: 'Resuelve el siguiente problema de matemáticas paso a paso.',
    choice:
      'Responde la siguiente pregunta de opción múltiple paso a paso y termina con la letra de la opción correcta.',
    nli: 'Decide paso a paso si la premisa implica la hipótesis, la contradice o ninguna de las dos.',
  },
  fr: {
    think: 'Pensez toujours en français.',
    math: 'Résolvez le problème de mathématiques suivant étape par étape.',
    choice:
      'Répondez à la question à choix multiples suivante étape par étape, en terminant par la lettre de la bonne option.',
    nli: "Décidez étape par étape si la prémisse implique l'hypothèse, la contredit, ou ni l'un ni l'autre.",
  },
  hi: {
    think: 'हमेशा हिंदी में सोचें।',
    math: 'निम्नलिखित गणित की समस्या को चरण-दर-चरण हल करें।',
    choice: 'निम्नलिखित बहुविकल्पीय प्रश्न का उत्तर चरण-दर-चरण दें और सही विकल्प के अक्षर के साथ समाप्त करें।',
    nli: 'चरण-दर-चरण तय करें कि आधार-वाक्य परिकल्पना का समर्थन करता है, उसका खंडन करता है, या दोनों में से कोई नहीं।',
  },
  id: {
    think: 'Selalu berpikir dalam bahasa Indonesia.',
    math: 'Selesaikan soal matematika berikut langkah demi langkah.',
    choice: 'Jawab pertanyaan pilihan ganda berikut langkah demi langkah, dan akhiri dengan huruf pilihan yang benar.',
    nli: 'Tentukan langkah demi langkah apakah premis mengimplikasikan hipotesis, bertentangan dengannya, atau tidak keduanya.',
  },
  it: {
    think: 'Pensa sempre in italiano.',
    math: 'Risolvi il seguente problema di matematica passo dopo passo.',
    choice:
      "Rispondi alla seguente domanda a scelta multipla passo dopo passo, terminando con la lettera dell'opzione corretta.",
    nli: "Decidi passo dopo passo se la premessa implica l'ipotesi, la contraddice o nessuna delle due.",
  },
  ja: {
    think: '常に日本語で考えてください。',
    math: '以下の数学問題をステップバイステップで解いてください。',
    choice: '以下の多肢選択問題にステップバイステップで答え、最後に正しい選択肢の記号を書いてください。',
    nli: '前提が仮説を含意するか、矛盾するか、どちらでもないかをステップバイステップで判断してください。',
  },
  ko: {
    think: '항상 한국어로 생각하세요.',
    math: '다음 수학 문제를 단계별로 풀어 주세요.',
    choice: '다음 객관식 문제에 단계별로 답하고, 마지막에 정답 선택지의 문자를 쓰세요.',
    nli: '전제가 가설을 함의하는지, 모순되는지, 둘 다 아닌지 단계별로 판단하세요.',
  },
  nl: {
    think: 'Denk altijd in het Nederlands.',
    math: 'Los het volgende wiskundeprobleem stap voor stap op.',
    choice: 'Beantwoord de volgende meerkeuzevraag stap voor stap en eindig met de letter van de juiste optie.',
    nli: 'Bepaal stap voor stap of de premisse de hypothese impliceert, ermee in tegenspraak is, of geen van beide.',
  },
  pl: {
    think: 'Zawsze myśl po polsku.',
    math: 'Rozwiąż następujące zadanie matematyczne krok po kroku.',
    choice: 'Odpowiedz na następujące pytanie wielokrotnego wyboru krok po kroku, kończąc literą poprawnej odpowiedzi.',
    nli: 'Zdecyduj krok po kroku, czy przesłanka implikuje hipotezę, przeczy jej, czy żadne z nich.',
  },
  pt: {
    think: 'Pense sempre em português.',
    math: 'Resolva o seguinte problema de matemática passo a passo.',
    choice: 'Responda à seguinte pergunta de múltipla escolha passo a passo, terminando com a letra da opção correta.',
    nli: 'Decida passo a passo se a premissa implica a hipótese, a contradiz ou nenhuma das duas.',
  },
  ru: {
    think: 'Всегда думай на русском языке.',
    math: 'Реши следующую математическую задачу шаг за шагом.',
    choice: 'Ответь на следующий вопрос с вариантами ответа шаг за шагом и закончи буквой правильного варианта.',
    nli: 'Реши шаг за шагом, следует ли гипотеза из посылки, противоречит ли ей или ни то, ни другое.',
  },
  sw: {
    think: 'Fikiri kwa Kiswahili kila wakati.',
    math: 'Tatua tatizo lifuatalo la hisabati hatua kwa hatua.',
    choice: 'Jibu swali lifuatalo la chaguo nyingi hatua kwa hatua, ukimalizia kwa herufi ya chaguo sahihi.',
    nli: 'Amua hatua kwa hatua kama dhana inathibitisha nadharia, inaipinga, au hakuna kati ya hayo.',
  },
  te: {
    think: 'ఎల్లప్పుడూ తెలుగులో ఆలోచించండి.',
    math: 'కింది గణిత సమస్యను దశలవారీగా పరిష్కరించండి.',
    choice: 'కింది బహుళైచ్ఛిక ప్రశ్నకు దశలవారీగా సమాధానం ఇచ్చి, సరైన ఎంపిక అక్షరంతో ముగించండి.',
    nli: 'ప్రతిపాదన పరికల్పనను సూచిస్తుందా, దానికి విరుద్ధమా, లేదా రెండూ కాదా అని దశలవారీగా నిర్ణయించండి.',
  },
  th: {
    think: 'คิดเป็นภาษาไทยเสมอ',
    math: 'จงแก้โจทย์คณิตศาสตร์ต่อไปนี้ทีละขั้นตอน',
    choice: 'จงตอบคำถามปรนัยต่อไปนี้ทีละขั้นตอน และจบด้วยตัวอักษรของตัวเลือกที่ถูกต้อง',
    nli: 'จงพิจารณาทีละขั้นตอนว่าข้ออ้างสนับสนุนสมมติฐาน ขัดแย้งกับสมมติฐาน หรือไม่ใช่ทั้งสองอย่าง',
  },
  tr: {
    think: 'Her zaman Türkçe düşün.',
    math: 'Aşağıdaki matematik problemini adım adım çöz.',
    choice: 'Aşağıdaki çoktan seçmeli soruyu adım adım yanıtla ve doğru seçeneğin harfiyle bitir.',
    nli: 'Öncülün hipotezi gerektirip gerektirmediğine, onunla çelişip çelişmediğine ya da hiçbirinin olmadığına adım adım karar ver.',
  },
  ur: {
    think: 'ہمیشہ اردو میں سوچیں۔',
    math: 'درج ذیل ریاضی کے سوال کو مرحلہ وار حل کریں۔',
    choice: 'درج ذیل کثیر انتخابی سوال کا جواب مرحلہ وار دیں اور درست انتخاب کے حرف پر ختم کریں۔',
    nli: 'مرحلہ وار فیصلہ کریں کہ آیا مقدمہ مفروضے کو لازم کرتا ہے، اس کی تردید کرتا ہے، یا دونوں میں سے کچھ نہیں۔',
  },
  vi: {
    think: 'Hãy luôn suy nghĩ bằng tiếng Việt.',
    math: 'Giải bài toán sau đây từng bước một.',
    choice: 'Trả lời câu hỏi trắc nghiệm sau đây từng bước một và kết thúc bằng chữ cái của lựa chọn đúng.',
    nli: 'Xác định từng bước xem tiền đề có kéo theo giả thuyết, mâu thuẫn với nó, hay không phải cả hai.',
  },
  zh: {
    think: '请始终用中文思考。',
    math: '请逐步解答以下数学问题。',
    choice: '请逐步回答以下选择题，最后给出正确选项的字母。',
    nli: '请逐步判断前提是蕴含假设、与假设矛盾，还是两者都不是。',
  },
};

export type PromptTask = 'math' | 'choice' | 'nli';

/** The full instruction: "Always think in X.\n\n<task line>" — the published prompts' shape. */
export function instructionFor(language: LanguageCode, task: PromptTask = 'math'): string {
  const lines = INSTRUCTIONS[language];
  return `${lines.think}\n\n${lines[task]}`;
}
