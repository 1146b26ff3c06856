import { Kind, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const INTEGER = /^[+-]?\d+$/;
const TRUE = new Set(['true', '1']);
const FALSE = new Set(['false', '0']);

/**
 * Turns an environment string into the value `schema` expects. When the string cannot be read as
 * that type it is returned unchanged, so validation reports the field with the raw text the user
 * set — coercion never invents a value and never throws.
 */
export function coerceEnvValue(schema: TSchema, raw: string): unknown {
  const text = raw.trim();
  switch (schema[Kind]) {
    case 'Integer':
      return INTEGER.test(text) ? Number(text) : raw;
    case 'Number': {
      const n = Number(text);
      return text !== '' && Number.isFinite(n) ? n : raw;
    }
    case 'Boolean': {
      const lower = text.toLowerCase();
      if (TRUE.has(lower)) return true;
      if (FALSE.has(lower)) return false;
      return raw;
    }
    case 'String':
      return raw;
    case 'Literal':
      return String(schema['const']) === text ? schema['const'] : raw;
    case 'Array': {
      const items = schema['items'] as TSchema;
      return text === ''
        ? []
        : text
            .split(',')
            .map((part) => part.trim())
            .filter((part) => part !== '')
            .map((part) => coerceEnvValue(items, part));
    }
    case 'Union': {
      // The first member that accepts the coerced text wins: an enum of literals, `integer | 'auto'`, ...
      for (const member of schema['anyOf'] as TSchema[]) {
        const candidate = coerceEnvValue(member, raw);
        if (Value.Check(member, candidate)) return candidate;
      }
      return raw;
    }
    default:
      // Objects, records and anything else structured: accept JSON, otherwise report the raw text.
      try {
        return JSON.parse(text);
      } catch {
        return raw;
      }
  }
}
