import { REPO_ROOT } from '@tenant-analytics/local-endpoints';
import path from 'node:path';
import { LOOPBACK } from './ports';

/** Preload that keeps emulators without a host flag on 127.0.0.1. */
export const LOOPBACK_PRELOAD = path.join(__dirname, 'loopback-only.cjs');

/** Where the image keeps what `npm ci` installed (same relative paths as in the repository). */
export const IMAGE_APP_DIR = '/app';
/** The host's node binary, copied into every image. */
export const IMAGE_NODE = '/usr/local/bin/node';

/** The folder of an installed npm package (these packages have no `exports` map). */
export function packageDir(name: string): string {
  return path.dirname(require.resolve(`${name}/package.json`));
}

/**
 * Where a component's files are and which address it listens on. The same emulator command line
 * runs on the host (child process backend) and in a locally built image (container backend); only
 * these differ.
 */
export interface RuntimeLayout {
  readonly kind: 'host' | 'image';
  /** The node binary. */
  readonly node: string;
  /**
   * Address servers bind: 127.0.0.1 on the host; all addresses inside a container, whose port is
   * published on the host's 127.0.0.1 only.
   */
  readonly listenHost: string;
  /** Node flags for servers that cannot choose their address (host only). */
  readonly loopbackPreload: readonly string[];
  /** Folder of an installed npm package. */
  packageDir(name: string): string;
}

/** Child processes on this machine, from the repository's `node_modules`. */
export const HOST_LAYOUT: RuntimeLayout = {
  kind: 'host',
  node: process.execPath,
  listenHost: LOOPBACK,
  loopbackPreload: ['--require', LOOPBACK_PRELOAD],
  packageDir,
};

/** Containers of the images `npm run images` builds: packages below `/app` at their repository paths. */
export const IMAGE_LAYOUT: RuntimeLayout = {
  kind: 'image',
  node: IMAGE_NODE,
  listenHost: '0.0.0.0',
  loopbackPreload: [],
  packageDir: (name) => path.posix.join(IMAGE_APP_DIR, path.relative(REPO_ROOT, packageDir(name)).split(path.sep).join('/')),
};
