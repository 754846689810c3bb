import { barChart, escapeHtml, lineChart, niceTicks } from './svg-charts';

describe('niceTicks', () => {
  it('steps by 1, 2 or 5 times a power of ten and reaches the maximum', () => {
    expect(niceTicks(1_000)).toEqual([0, 200, 400, 600, 800, 1_000]);
    expect(niceTicks(9_311)).toEqual([0, 2_000, 4_000, 6_000, 8_000, 10_000]);
    expect(niceTicks(7, 8)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(3, 8, 1)).toEqual([0, 1, 2, 3]);
  });
});

describe('lineChart', () => {
  it('draws one polyline per series with its points, and a legend', () => {
    // Act
    const svg = lineChart({
      title: 'T',
      xLabel: 'x',
      yLabel: 'y',
      series: [
        { name: 'a', color: '#111', points: [[0, 0], [5, 10], [10, 5]] },
        { name: 'b', color: '#222', points: [[0, 10]] },
      ],
    });

    // Assess
    const polylines = [...svg.matchAll(/<polyline [^>]*points="([^"]*)"/g)].map((match) => (match[1] ?? '').split(' ').length);
    expect(polylines).toEqual([3, 1]);
    expect(svg).toContain('>a</text>');
    expect(svg).toContain('>b</text>');
  });

  it('draws axes without lines when a series is empty', () => {
    expect(lineChart({ title: 'T', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', color: '#111', points: [] }] })).not.toContain('<polyline');
  });
});

describe('barChart', () => {
  it('draws one bar per entry, proportional to its value', () => {
    // Act
    const svg = barChart({ title: 'T', color: '#f00', bars: [{ label: 'big', value: 10 }, { label: 'small', value: 5 }] });

    // Assess
    const widths = [...svg.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((match) => Number(match[1]));
    expect(widths).toHaveLength(2);
    expect(widths[0]).toBeCloseTo((widths[1] ?? 0) * 2, 0);
  });

  it('says none when there is nothing to draw', () => {
    expect(barChart({ title: 'T', color: '#f00', bars: [] })).toContain('>none</text>');
  });
});

describe('escapeHtml', () => {
  it('escapes markup and quotes', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
