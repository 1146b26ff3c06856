// Types of helm-render.mjs, for the TypeScript that imports it (test/chart.test-helpers.ts).
export declare const REPO: string;
export declare const RENDERER_DIR: string;
export declare function requiredPackages(): { name: string; path: string }[];
export declare function helmRenderBinary(): string;
export declare class ChartRenderError extends Error {}
export declare function runHelmRender(args: readonly string[]): string;
