import { formatDecimal, formatInteger, formatPercent, formatRatio, renderMarkdownTable, renderTextTable, type Table } from './table';

const table: Table = {
  columns: [{ title: 'design' }, { title: 'events/s', align: 'right' }],
  rows: [
    ['seed', '950'],
    ['ours', '104,000'],
  ],
};

describe('renderTextTable', () => {
  it('pads columns to their widest cell and right-aligns numbers', () => {
    // Act
    const text = renderTextTable(table);

    // Assess
    expect(text.split('\n')).toEqual(['design  events/s', '------  --------', 'seed         950', 'ours     104,000']);
  });

  it('fills missing cells with blanks', () => {
    // Act
    const text = renderTextTable({ columns: [{ title: 'a' }, { title: 'b' }], rows: [['x']] });

    // Assess
    expect(text.split('\n')[2]).toBe('x');
  });
});

describe('renderMarkdownTable', () => {
  it('writes a header, an aligned separator and one line per row', () => {
    expect(renderMarkdownTable(table)).toBe(['| design | events/s |', '|---|---:|', '| seed | 950 |', '| ours | 104,000 |'].join('\n'));
  });

  it('escapes pipes in cells', () => {
    // Act
    const markdown = renderMarkdownTable({ columns: [{ title: 'a' }], rows: [['x | y']] });

    // Assess
    expect(markdown.split('\n')[2]).toBe('| x \\| y |');
  });
});

describe('formatters', () => {
  it('groups thousands and rounds', () => {
    expect(formatInteger(123_456.7)).toBe('123,457');
    expect(formatDecimal(1_234.5678, 2)).toBe('1,234.57');
  });

  it('shows ratios with fewer decimals when they are large', () => {
    expect(formatRatio(12.34)).toBe('12.3×');
    expect(formatRatio(0.456)).toBe('0.46×');
  });

  it('shows shares as whole percents', () => {
    expect(formatPercent(0.834)).toBe('83%');
  });

  it('shows n/a for missing or non-finite values', () => {
    expect([formatInteger(undefined), formatDecimal(Number.NaN, 1), formatRatio(undefined), formatPercent(Infinity)]).toEqual(['n/a', 'n/a', 'n/a', 'n/a']);
  });
});
