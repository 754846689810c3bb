import { readFileSync } from 'node:fs';
import { companyIdAt, companyIdSchema } from '@tenant-analytics/domain';
import { UsageError } from './errors';

/** `comp_0 … comp_{count-1}`: the first `count` companies of the tenant data set. */
export function companyIdsUpTo(count: number): string[] {
  return Array.from({ length: count }, (_, index) => companyIdAt(index));
}

/**
 * Company ids from a file, one per line; blank lines and lines starting with `#` are skipped.
 *
 * @throws UsageError naming `--companies-file`, the line and the rule when the file is unreadable,
 *   empty or holds a malformed id.
 */
export function readCompanyIdsFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError('--companies-file', `cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  const ids: string[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const id = line.trim();
    if (id === '' || id.startsWith('#')) {
      return;
    }
    const parsed = companyIdSchema.safeParse(id);
    if (!parsed.success) {
      throw new UsageError('--companies-file', `${file}:${index + 1}: company id ${JSON.stringify(id)} ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
    }
    ids.push(parsed.data);
  });
  if (ids.length === 0) {
    throw new UsageError('--companies-file', `${file} holds no company id`);
  }
  return ids;
}
