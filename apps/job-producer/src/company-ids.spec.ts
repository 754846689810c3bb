import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { companyIdsUpTo, readCompanyIdsFile } from './company-ids';

describe('companyIdsUpTo', () => {
  it('names the first companies of the data set', () => {
    expect(companyIdsUpTo(3)).toEqual(['comp_0', 'comp_1', 'comp_2']);
  });
});

describe('readCompanyIdsFile', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'company-ids-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  const file = (text: string): string => {
    const target = path.join(folder, 'ids.txt');
    writeFileSync(target, text);
    return target;
  };

  it('reads one id per line, skipping blanks and comments', () => {
    expect(readCompanyIdsFile(file('# tenants\ncomp_4\r\n\n  acme.eu:7 \ncomp_9'))).toEqual(['comp_4', 'acme.eu:7', 'comp_9']);
  });

  it('rejects a malformed id naming the flag and the line', () => {
    const target = file('comp_1\ncomp 2\n');

    expect(() => readCompanyIdsFile(target)).toThrow(`--companies-file: ${target}:2: company id "comp 2" must be 1-64 characters of [A-Za-z0-9_.:-]`);
  });

  it('rejects an empty file and a missing one', () => {
    expect(() => readCompanyIdsFile(file('# nothing\n'))).toThrow(/--companies-file: .* holds no company id/);
    expect(() => readCompanyIdsFile(path.join(folder, 'missing.txt'))).toThrow(/--companies-file: cannot read .*missing\.txt/);
  });
});
