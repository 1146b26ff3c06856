import type { TSchema } from '@sinclair/typebox';
import { API_GROUP, AlignmentRunSchema, EvalScheduleSchema, toStructuralSchema } from '@xreason/contracts';
import { stringify } from 'yaml';

type Json = Record<string, unknown>;

interface CrdSource {
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly schema: TSchema;
  readonly printerColumns: readonly Json[];
}

const SOURCES: readonly CrdSource[] = [
  {
    kind: 'AlignmentRun',
    plural: 'alignmentruns',
    singular: 'alignmentrun',
    shortNames: ['arun'],
    schema: AlignmentRunSchema,
    printerColumns: [
      { name: 'Recipe', type: 'string', jsonPath: '.spec.recipe' },
      { name: 'Languages', type: 'string', jsonPath: '.spec.languages', priority: 1 },
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
      { name: 'Progressing', type: 'string', jsonPath: '.status.conditions[?(@.type=="Progressing")].reason' },
      { name: 'Degraded', type: 'string', jsonPath: '.status.conditions[?(@.type=="Degraded")].status', priority: 1 },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
  },
  {
    kind: 'EvalSchedule',
    plural: 'evalschedules',
    singular: 'evalschedule',
    shortNames: ['esched'],
    schema: EvalScheduleSchema,
    printerColumns: [
      { name: 'Schedule', type: 'string', jsonPath: '.spec.schedule' },
      { name: 'Suspend', type: 'boolean', jsonPath: '.spec.suspend' },
      { name: 'Last Schedule', type: 'date', jsonPath: '.status.lastScheduleTime' },
      { name: 'Last Regression', type: 'string', jsonPath: '.status.lastRegression', priority: 1 },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
  },
];

/**
 * The CustomResourceDefinitions, generated from the TypeBox schemas in contracts — the one source of
 * the TypeScript types, the runtime validation and the API server's validation.
 *
 * `metadata` is left to the API server (a CRD schema may only constrain name/generateName), and the
 * run's `conditions` are a map keyed by `type` so `kubectl apply --server-side` and our status
 * writes merge conditions per type.
 */
export function customResourceDefinitions(): Json[] {
  return SOURCES.map((source) => {
    const schema = toStructuralSchema(source.schema);
    const properties = { ...(schema.properties as Record<string, Json>) };
    properties.metadata = { type: 'object' };
    markConditionsAsMap(properties.status);
    return {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: {
        name: `${source.plural}.${API_GROUP}`,
        labels: { 'app.kubernetes.io/part-of': 'xreason' },
      },
      spec: {
        group: API_GROUP,
        scope: 'Namespaced',
        names: {
          kind: source.kind,
          listKind: `${source.kind}List`,
          plural: source.plural,
          singular: source.singular,
          shortNames: [...source.shortNames],
          categories: ['xreason'],
        },
        versions: [
          {
            name: 'v1alpha1',
            served: true,
            storage: true,
            subresources: { status: {} },
            additionalPrinterColumns: source.printerColumns,
            schema: { openAPIV3Schema: { ...schema, properties, required: ['spec'] } },
          },
        ],
      },
    };
  });
}

function markConditionsAsMap(status: Json | undefined): void {
  const conditions = (status?.properties as Record<string, Json> | undefined)?.conditions;
  if (!conditions) return;
  conditions['x-kubernetes-list-type'] = 'map';
  conditions['x-kubernetes-list-map-keys'] = ['type'];
}

export const CRD_HEADER = '# Generated from libs/contracts by `npm run generate:crds -w @xreason/kube`. Do not edit.\n';

/** File name → YAML text, exactly as committed under k8s/crds and helm/xreason/crds. */
export function renderCrdFiles(): Map<string, string> {
  return new Map(
    customResourceDefinitions().map((crd) => [
      `${(crd.metadata as { name: string }).name}.yaml`,
      CRD_HEADER + stringify(crd, { lineWidth: 0, aliasDuplicateObjects: false }),
    ]),
  );
}

/** Where the generated CRDs are committed, relative to the repository root. */
export const CRD_DIRECTORIES = ['k8s/crds', 'helm/xreason/crds'] as const;
