import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { SchemaValidationError, findProblems, validate } from './validation.js';

const Spec = Type.Object({
  name: Type.String({ minLength: 1 }),
  replicas: Type.Integer({ minimum: 1 }),
  database: Type.Object({ password: Type.String(), port: Type.Integer() }),
  mode: Type.Union([Type.Literal('robust'), Type.Literal('seed-compatible')]),
});

describe('validate', () => {
  it('returns a valid value unchanged', () => {
    const value = { name: 'a', replicas: 2, database: { password: 'x', port: 5432 }, mode: 'robust' };
    expect(validate(Spec, value, 'spec')).toBe(value);
  });

  it('names every bad field in one error', () => {
    const value = { name: '', replicas: 0, database: { password: 7, port: 'x' }, mode: 'fast' };
    let error: unknown;
    try {
      validate(Spec, value, 'run spec');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SchemaValidationError);
    const paths = (error as SchemaValidationError).problems.map((p) => p.path).sort();
    expect(paths).toEqual(['/database/password', '/database/port', '/mode', '/name', '/replicas']);
    expect((error as Error).message).toMatch(/^invalid run spec: 5 problems/);
  });

  it('never echoes the value of a secret-looking field', () => {
    const problems = findProblems(Spec, {
      name: 'a',
      replicas: 1,
      database: { password: 123456, port: 1 },
      mode: 'robust',
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).not.toHaveProperty('value');
  });
});
