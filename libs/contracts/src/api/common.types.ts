import { type TLiteral, type TUnion, Type } from '@sinclair/typebox';
import { LANGUAGE_CODES, type LanguageCode } from '../languages.js';

/** A string enum as a union of literals (TypeBox checks it; the CRD generator turns it into `enum`). */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description?: string; default?: T[number] } = {},
): TUnion<TLiteral<T[number]>[]> {
  return Type.Union(
    values.map((v) => Type.Literal(v)),
    options,
  );
}

export const LanguageCodeSchema = StringEnum(LANGUAGE_CODES as unknown as readonly LanguageCode[], {
  description: 'ISO 639-1 language code',
});

/** Kubernetes object metadata, the subset a user writes. */
export const ObjectMetaSchema = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 63,
      pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
      description: 'DNS-1123 label',
    }),
    namespace: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })),
    labels: Type.Optional(Type.Record(Type.String(), Type.String())),
    annotations: Type.Optional(Type.Record(Type.String(), Type.String())),
    uid: Type.Optional(Type.String()),
    generation: Type.Optional(Type.Integer({ minimum: 0 })),
    resourceVersion: Type.Optional(Type.String()),
    creationTimestamp: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

/** `metav1.Condition`: one entry per type, the latest observation of one aspect of the object. */
export const ConditionSchema = Type.Object({
  type: Type.String({ description: 'Available, Progressing or Degraded' }),
  status: StringEnum(['True', 'False', 'Unknown'] as const),
  reason: Type.String({ pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$', description: 'CamelCase reason' }),
  message: Type.String(),
  lastTransitionTime: Type.String({ format: 'date-time' }),
  observedGeneration: Type.Optional(Type.Integer({ minimum: 0 })),
});

export const ResourcesSchema = Type.Object(
  {
    gpus: Type.Optional(Type.Integer({ minimum: 0, description: 'nvidia.com/gpu per pod' })),
    cpu: Type.Optional(Type.String({ description: 'Kubernetes quantity, e.g. "4" or "500m"' })),
    memory: Type.Optional(Type.String({ description: 'Kubernetes quantity, e.g. "32Gi"' })),
    nodes: Type.Optional(Type.Integer({ minimum: 1, description: 'pods of a data-parallel trainer' })),
    nodeSelector: Type.Optional(Type.Record(Type.String(), Type.String())),
    tolerations: Type.Optional(
      Type.Array(
        Type.Object({
          key: Type.Optional(Type.String()),
          operator: Type.Optional(StringEnum(['Exists', 'Equal'] as const)),
          value: Type.Optional(Type.String()),
          effect: Type.Optional(StringEnum(['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const)),
        }),
      ),
    ),
    priorityClassName: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/** Where a model comes from: a Hugging Face layout directory or an artifact URI. */
export const ModelRefSchema = Type.Object(
  {
    uri: Type.String({ minLength: 1, description: 'file:///path, artifact://…, or a directory path' }),
    adapter: Type.Optional(Type.String({ minLength: 1, description: 'PEFT adapter directory or URI' })),
  },
  { additionalProperties: false },
);
