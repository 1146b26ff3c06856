import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluator/evaluate.js';
import type { Comparison } from '../regression/compare.js';
import { SampleJudge } from '../scoring/sample-judge.js';
import { worldModel, worldSuite } from '../testing/world-model.test-helpers.js';
import { renderHtmlReport } from './html-report.js';
import { barChart, escapeXml } from './svg-charts.js';
import { formatTerminalTable } from './terminal-table.js';

const { items, problems } = worldSuite(16, ['ja', 'fr', 'es']);

async function twoModels() {
  const judge = await SampleJudge.create(['robust']);
  const run = async (name: string, accuracy: number, consistency: number) =>
    (
      await evaluate(
        {
          model: { name, hash: name },
          suite: { name: 'world', version: '1' },
          items,
          n: 4,
          ks: [1, 4],
          modes: ['robust'],
          params: { temperature: 0.6, topP: 0.95, maxTokens: 64, seed: 1 },
          bootstrap: { resamples: 200 },
        },
        { backend: worldModel({ problems, accuracy, consistency }), judge },
      )
    ).aggregates;
  return [...(await run('base', 0.45, 0.4)), ...(await run('base+grpo', 0.7, 0.9))];
}

describe('reports', () => {
  it('the terminal table has one row per model × language with pass@k, consistency and the joint metric', async () => {
    const table = formatTerminalTable(await twoModels());
    const lines = table.split('\n');
    expect(lines[0]).toMatch(
      /^model\s+suite\s+lang\s+items\s+pass@1\s+pass@4\s+consistent\s+trace\s+answer\s+correct∧cons\s+format\s+tokens$/,
    );
    expect(lines.filter((l) => /^base\s/.test(l))).toHaveLength(3);
    expect(lines.filter((l) => /^base\+grpo\s/.test(l))).toHaveLength(3);
    expect(lines.find((l) => /^base\+grpo\s+world\s+ja/.test(l))).toMatch(/16×4/);
    expect(lines.at(-1)).toMatch(/robust scoring/);
  });

  it('the HTML report carries the scatter, the per-language bars, the metric table, and escapes names', async () => {
    const aggregates = await twoModels();
    const comparisons: Comparison[] = [
      {
        language: 'ja',
        metric: 'pass@1',
        comparedWith: 'previous',
        previous: 0.72,
        current: 0.51,
        delta: -0.21,
        pValue: 0.0004,
        adjustedPValue: 0.0048,
        test: 'monte-carlo-sign-flip',
        items: 16,
        regression: true,
      },
    ];
    const trends = ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04'].flatMap((night, i) =>
      ['ja', 'fr', 'es'].flatMap((language, j) => [
        {
          night,
          model: 'base+grpo',
          language,
          metric: 'pass@1',
          value: i === 3 && language === 'ja' ? 0.51 : 0.68 + 0.02 * j + 0.01 * i,
        },
        { night, model: 'base+grpo', language, metric: 'language_consistency', value: 0.85 + 0.02 * j },
      ]),
    );
    const html = renderHtmlReport({
      title: 'world <nightly> & co',
      aggregates,
      trends,
      comparisons,
      generatedAt: new Date('2026-01-04T03:00:00Z'),
    });
    expect(html).toContain('<title>world &lt;nightly&gt; &amp; co</title>');
    expect(html).toContain('Accuracy vs. language consistency');
    expect(html).toContain('pass@1 by language');
    expect(html).toContain('data-regression="true"');
    expect((html.match(/<tr>/g) ?? []).length).toBeGreaterThanOrEqual(1 + 6);
    // Kept for a look in a browser (and the PNG check in the README); test-results/ is not in git.
    await mkdir(join(import.meta.dirname, '../../test-results'), { recursive: true });
    await writeFile(join(import.meta.dirname, '../../test-results/report-example.html'), html);
  });

  it('bars are clamped to the axis and carry their interval as a whisker', () => {
    const svg = barChart([{ group: 'ja', series: 'm', value: 0.5, low: 0.4, high: 0.6 }], {
      title: 't',
      yLabel: 'pass@1',
    });
    expect(svg).toContain('<line x1=');
    expect(svg).toContain('<title>m ja: 0.500 [0.400, 0.600]</title>');
    expect(escapeXml(`a<b>"c"&'d'`)).toBe('a&lt;b&gt;&quot;c&quot;&amp;&#39;d&#39;');
  });
});
