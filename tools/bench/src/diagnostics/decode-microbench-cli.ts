import { loadavg } from 'node:os';
import { renderMarkdownTable, renderTextTable } from '../table';
import { DEFAULT_DECODE_MICROBENCH_OPTIONS, decodeMicrobenchTable, decodeRecordSets, measureDecodeSet } from './decode-microbench';

// `npx tsx tools/bench/src/diagnostics/decode-microbench-cli.ts`: the job decoder's fast path
// against its schema path (see decode-microbench.ts). Prints a text and a Markdown table.

const options = { ...DEFAULT_DECODE_MICROBENCH_OPTIONS, now: new Date() };
const loadBefore = loadavg().map((value) => value.toFixed(2)).join(' / ');
const results = decodeRecordSets(options.records, options.now).map((set) => measureDecodeSet(set, options));
const loadAfter = loadavg().map((value) => value.toFixed(2)).join(' / ');
const table = decodeMicrobenchTable(results);
console.log(renderTextTable(table));
console.log(`\n${renderMarkdownTable(table)}\n`);
console.log(
  `Node ${process.version}; ${options.records} records per set, ${options.warmupRounds} warm-up and ${options.rounds} measured rounds per path, alternating; medians. Load average ${loadBefore} before, ${loadAfter} after.`,
);
