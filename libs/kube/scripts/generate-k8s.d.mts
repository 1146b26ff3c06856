// Types of generate-k8s.mjs, for the TypeScript that imports it (test/k8s-kustomize.spec.ts).
export interface RenderedManifestJson {
  source: string;
  kind: string;
  name: string;
  hook?: string;
  content: string;
  object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
}
export declare const RELEASE: string;
export declare const NAMESPACE: string;
export declare const CHART: string;
export declare const GPU_KUEUE_VALUES: string;
export declare const GENERATED_DIRECTORIES: readonly string[];
export declare function renderManifests(valuesFiles?: readonly string[]): RenderedManifestJson[];
export declare function forKustomize(content: string): string;
export declare function generateK8sFiles(): Map<string, string>;
export declare function writeK8sFiles(files?: Map<string, string>): Map<string, string>;
