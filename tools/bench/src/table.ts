/** A column of a results table; numbers read best right-aligned. */
export interface Column {
  readonly title: string;
  /** @default 'left' */
  readonly align?: 'left' | 'right';
}

/** A results table: already formatted cells, one row per design or measurement. */
export interface Table {
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly string[])[];
}

function cellsOf(table: Table): string[][] {
  return table.rows.map((row) => table.columns.map((_, index) => row[index] ?? ''));
}

/** A plain-text table for the terminal: columns padded to their widest cell, a rule under the titles. */
export function renderTextTable(table: Table): string {
  const rows = cellsOf(table);
  const widths = table.columns.map((column, index) => Math.max(column.title.length, ...rows.map((row) => (row[index] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, index) => (table.columns[index]?.align === 'right' ? cell.padStart(widths[index] as number) : cell.padEnd(widths[index] as number)))
      .join('  ')
      .trimEnd();
  return [line(table.columns.map((column) => column.title)), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

const escapeMarkdown = (cell: string): string => cell.replace(/\|/g, '\\|');

/** A GitHub-flavoured markdown table (pipes in cells escaped, alignment in the separator row). */
export function renderMarkdownTable(table: Table): string {
  const line = (cells: readonly string[]) => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
  const separator = `|${table.columns.map((column) => (column.align === 'right' ? '---:' : '---')).join('|')}|`;
  return [line(table.columns.map((column) => column.title)), separator, ...cellsOf(table).map(line)].join('\n');
}

const grouped = (digits: number) => new Intl.NumberFormat('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const integerFormat = grouped(0);

/** `123456.7` → `123,457`; undefined → `n/a`. */
export function formatInteger(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? 'n/a' : integerFormat.format(value);
}

/** A number with `digits` decimals and thousands separators; undefined → `n/a`. */
export function formatDecimal(value: number | undefined, digits: number): string {
  return value === undefined || !Number.isFinite(value) ? 'n/a' : grouped(digits).format(value);
}

/** A ratio such as `12.3×`; undefined → `n/a`. */
export function formatRatio(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? 'n/a' : `${grouped(value >= 10 ? 1 : 2).format(value)}×`;
}

/** A share such as `83%`; undefined → `n/a`. */
export function formatPercent(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? 'n/a' : `${Math.round(value * 100)}%`;
}
