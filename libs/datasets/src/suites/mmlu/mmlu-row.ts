import { Type } from '@sinclair/typebox';

/** The simple-evals / MMMLU CSV layout: Question, A–D, Answer (a letter), optionally Subject. */
export const MmluRow = Type.Object({
  Question: Type.String({ minLength: 1 }),
  A: Type.String(),
  B: Type.String(),
  C: Type.String(),
  D: Type.String(),
  Answer: Type.Union([Type.Literal('A'), Type.Literal('B'), Type.Literal('C'), Type.Literal('D')]),
  Subject: Type.Optional(Type.String()),
});
