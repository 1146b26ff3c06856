import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderChart, renderChartText } from './chart.test-helpers.js';

// tools/helm-render against a fixture chart that exercises what Helm does beyond text/template. The
// expected output is Helm's behaviour, line by line: numbers in .Values are float64 (1000000 renders
// as 1e+06 unless piped through int), a missing value renders empty, a null in a values file deletes
// the default, the shallowest define wins, lookup finds nothing without a cluster, toYaml sorts keys,
// NOTES.txt and _partials are not manifests, empty files are dropped, Secret before ConfigMap (install
// order), crds/ are copied untemplated.
const FIXTURE = join(import.meta.dirname, 'fixtures/helm-render');
const CHART = join(FIXTURE, 'chart');

describe('tools/helm-render renders as helm template does', () => {
  it('the fixture chart renders to the expected manifests', () => {
    const text = renderChartText(CHART, [
      '--release-name',
      'rel',
      '--namespace',
      'ns',
      '--include-crds',
      '-f',
      join(FIXTURE, 'override.yaml'),
    ]);
    expect(text).toBe(readFileSync(join(FIXTURE, 'expected.yaml'), 'utf8'));
  });

  it('NOTES.txt is rendered but is not a manifest; a comment-only document is kept as Helm keeps it', () => {
    const rendered = renderChart({ chart: CHART, releaseName: 'rel', values: [join(FIXTURE, 'override.yaml')] });
    expect(rendered.notes).toBe('Installed rel (9.9).\n');
    expect(rendered.manifests.map((m) => `${m.source} ${m.kind}`)).toEqual([
      'fixture/templates/files.yaml Secret',
      'fixture/templates/configmap.yaml ConfigMap',
      'fixture/templates/files.yaml ConfigMap',
      'fixture/templates/files.yaml ',
    ]);
    expect(rendered.manifests[3]!.object).toBeNull();
  });

  it('required names the template position and the message', () => {
    expect(() => renderChart({ chart: CHART, values: [{ needsToken: true, message: 'm' }] })).toThrow(
      'Error: execution error at (fixture/templates/required.yaml:7:12): needsToken is set: token is required',
    );
    expect(() => renderChart({ chart: CHART })).toThrow(
      'execution error at (fixture/templates/configmap.yaml:22:14): message is required',
    );
  });

  it('a template that renders invalid YAML is named', () => {
    expect(() => renderChart({ chart: CHART, values: [{ brokenYaml: true, message: 'm' }] })).toThrow(
      /^Error: YAML parse error on fixture\/templates\/broken-yaml\.yaml: error converting YAML to JSON: yaml: line \d+:/,
    );
  });
});
