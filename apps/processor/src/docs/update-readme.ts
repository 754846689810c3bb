import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { updateReadme } from './config-table';

/** `npm run docs:config`: regenerates the README's configuration table from the config schema. */
const readmePath = path.join(__dirname, '../../../../README.md');
writeFileSync(readmePath, updateReadme(readFileSync(readmePath, 'utf8')));
process.stdout.write(`updated ${readmePath}\n`);
