import path from 'node:path';
import type { KinesisBackend } from '@tenant-analytics/local-endpoints';
import type { DynamoDbStorage } from './local-stack-options';
import type { ProcessSpec } from './managed-process';
import { HOST_LAYOUT, type RuntimeLayout } from './runtime-layout';

export { LOOPBACK_PRELOAD, packageDir } from './runtime-layout';

/** Generous account limits, so that shard counts are bounded only by our own validation. */
const ACCOUNT_SHARD_LIMIT = 500;

/** The locally built images (`npm run images`), one per emulator and service. */
export const COMPONENT_IMAGES = ['kinesis-local', 'kinesalite', 's3rver', 'dynalite', 'tenant-manager-mock', 'churn-mock'] as const;
export type ComponentImage = (typeof COMPONENT_IMAGES)[number];

/**
 * How to run one component, as a child process or as a container: the command line (built for a
 * {@link RuntimeLayout}), the image that holds its files, and the host folders it writes, which a
 * container gets mounted at the same path.
 */
export interface ComponentSpec extends ProcessSpec {
  readonly image: ComponentImage;
  readonly mounts: readonly string[];
}

/** Where an emulator listens and keeps its data. */
export interface EmulatorParams {
  readonly port: number;
  /** Folder of this emulator's data, below the stack's data dir. */
  readonly dataDir: string;
}

/**
 * kinesis-local (kinesis-mock compiled to JS). It must run from its package folder (it loads
 * `server.json`, its TLS certificate, relative to the working directory); the TLS listener gets a
 * random port because we use plain HTTP only. Streams are created with CreateStream rather than
 * `INITIALIZE_STREAMS`, the same path for both backends; creation is instant. State is persisted to
 * `dataDir` every second, so a restart keeps streams and records.
 */
export function kinesisLocalSpec(params: EmulatorParams & { readonly region: string }, layout: RuntimeLayout = HOST_LAYOUT): ComponentSpec {
  return {
    name: 'kinesis (kinesis-local)',
    image: 'kinesis-local',
    mounts: [params.dataDir],
    command: layout.node,
    args: [...layout.loopbackPreload, 'main.js'],
    cwd: layout.packageDir('kinesis-local'),
    env: {
      KINESIS_MOCK_PLAIN_PORT: String(params.port),
      KINESIS_MOCK_TLS_PORT: '0',
      AWS_REGION: params.region,
      CREATE_STREAM_DURATION: '0ms',
      DELETE_STREAM_DURATION: '0ms',
      SHARD_LIMIT: String(ACCOUNT_SHARD_LIMIT),
      SHOULD_PERSIST_DATA: 'true',
      PERSIST_PATH: params.dataDir,
      PERSIST_INTERVAL: '1s',
      LOG_LEVEL: 'WARN',
    },
  };
}

/** kinesalite, backed by LevelDB in `dataDir` (prebuilt binding, no install script needed). */
export function kinesaliteSpec(params: EmulatorParams, layout: RuntimeLayout = HOST_LAYOUT): ComponentSpec {
  const dir = layout.packageDir('kinesalite');
  return {
    name: 'kinesis (kinesalite)',
    image: 'kinesalite',
    mounts: [params.dataDir],
    command: layout.node,
    args: [
      ...layout.loopbackPreload,
      path.posix.join(dir, 'cli.js'),
      '--port',
      String(params.port),
      '--path',
      params.dataDir,
      '--createStreamMs',
      '0',
      '--deleteStreamMs',
      '0',
      '--updateStreamMs',
      '0',
      '--shardLimit',
      String(ACCOUNT_SHARD_LIMIT),
    ],
    cwd: dir,
    env: {},
  };
}

/** The Kinesis emulator of the chosen backend. */
export function kinesisSpec(backend: KinesisBackend, params: EmulatorParams & { readonly region: string }, layout: RuntimeLayout = HOST_LAYOUT): ComponentSpec {
  return backend === 'kinesalite' ? kinesaliteSpec(params, layout) : kinesisLocalSpec(params, layout);
}

/** s3rver with files in `dataDir`; it creates the bucket at start-up. */
export function s3rverSpec(params: EmulatorParams & { readonly bucket: string }, layout: RuntimeLayout = HOST_LAYOUT): ComponentSpec {
  const dir = layout.packageDir('s3rver');
  return {
    name: 's3 (s3rver)',
    image: 's3rver',
    mounts: [params.dataDir],
    command: layout.node,
    args: [
      path.posix.join(dir, 'bin', 's3rver.js'),
      '--address',
      layout.listenHost,
      '--port',
      String(params.port),
      '--directory',
      params.dataDir,
      '--configure-bucket',
      params.bucket,
      '--silent',
    ],
    cwd: dir,
    env: {},
  };
}

/** Where dynalite listens and, with `disk` storage, the folder of its LevelDB store. */
export type DynaliteParams = { readonly port: number } & (
  | { readonly storage: Extract<DynamoDbStorage, 'memory'> }
  | { readonly storage: Extract<DynamoDbStorage, 'disk'>; readonly dataDir: string }
);

/**
 * dynalite in memory (no `--path`), or with `disk` storage backed by LevelDB in `dataDir` so that a
 * restart keeps the state table. In memory by default: the on-disk store loses acknowledged
 * conditional writes of large items under concurrent load (see `DYNAMODB_STORAGES`).
 */
export function dynaliteSpec(params: DynaliteParams, layout: RuntimeLayout = HOST_LAYOUT): ComponentSpec {
  const dir = layout.packageDir('dynalite');
  return {
    name: 'dynamodb (dynalite)',
    image: 'dynalite',
    mounts: params.storage === 'disk' ? [params.dataDir] : [],
    command: layout.node,
    args: [
      path.posix.join(dir, 'cli.js'),
      '--host',
      layout.listenHost,
      '--port',
      String(params.port),
      ...(params.storage === 'disk' ? ['--path', params.dataDir] : []),
      '--createTableMs',
      '0',
      '--deleteTableMs',
      '0',
      '--updateTableMs',
      '0',
    ],
    cwd: dir,
    env: {},
  };
}
