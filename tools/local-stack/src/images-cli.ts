// `npm run images`: builds the local stack's container images from this machine's node and
// node_modules (nothing is pulled), or keeps those that are current. `--force` rebuilds them all.
import { SILENT_LOGGER } from '@tenant-analytics/domain';
import { requireContainerEngine } from './container-engine';
import { LocalStackError } from './errors';
import { ALL_IMAGES, ensureImages } from './images';

async function main(argv: readonly string[]): Promise<number> {
  const unknown = argv.filter((arg) => arg !== '--force');
  if (unknown.length > 0) {
    console.error(`Unknown argument ${unknown[0]}. Usage: npm run images [-- --force]`);
    return 2;
  }
  const client = await requireContainerEngine();
  const startedAt = Date.now();
  const builds = await ensureImages(client, ALL_IMAGES, { logger: SILENT_LOGGER, force: argv.includes('--force') });
  for (const { ref, built, sizeBytes, buildMs } of builds) {
    console.log(`${built ? 'built' : 'current'}  ${ref}  ${(sizeBytes / 1e6).toFixed(0)} MB${built ? `  ${(buildMs / 1000).toFixed(1)} s` : ''}`);
  }
  console.log(`${builds.filter(({ built }) => built).length} of ${builds.length} images built in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof LocalStackError ? error.message : error);
    process.exitCode = 1;
  },
);
