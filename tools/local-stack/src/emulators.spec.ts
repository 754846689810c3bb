import { existsSync } from 'node:fs';
import path from 'node:path';
import { dynaliteSpec, kinesaliteSpec, kinesisLocalSpec, kinesisSpec, LOOPBACK_PRELOAD, packageDir, s3rverSpec } from './emulators';
import { IMAGE_LAYOUT } from './runtime-layout';

describe('emulator specs', () => {
  const params = { port: 41_234, dataDir: '/tmp/data', region: 'eu-west-1' };

  it('finds every emulator package and the loopback preload', () => {
    for (const name of ['kinesis-local', 'kinesalite', 's3rver', 'dynalite']) {
      expect(existsSync(path.join(packageDir(name), 'package.json'))).toBe(true);
    }
    expect(existsSync(LOOPBACK_PRELOAD)).toBe(true);
  });

  it('runs kinesis-local from its package folder (its TLS certificate is relative) on 127.0.0.1', () => {
    // Act
    const spec = kinesisLocalSpec(params);

    // Assess
    expect(existsSync(path.join(spec.cwd, 'server.json'))).toBe(true);
    expect(spec.args).toEqual(['--require', LOOPBACK_PRELOAD, 'main.js']);
    expect(spec.env).toMatchObject({ KINESIS_MOCK_PLAIN_PORT: '41234', KINESIS_MOCK_TLS_PORT: '0', AWS_REGION: 'eu-west-1', PERSIST_PATH: '/tmp/data' });
  });

  it('runs kinesalite on 127.0.0.1 with LevelDB in the data dir and instant stream creation', () => {
    // Act
    const { args } = kinesaliteSpec(params);

    // Assess
    expect(args.slice(0, 2)).toEqual(['--require', LOOPBACK_PRELOAD]);
    expect(args.join(' ')).toContain('--port 41234 --path /tmp/data --createStreamMs 0');
  });

  it('chooses the Kinesis emulator by backend', () => {
    expect(kinesisSpec('kinesalite', params).name).toBe('kinesis (kinesalite)');
    expect(kinesisSpec('kinesis-local', params).name).toBe('kinesis (kinesis-local)');
  });

  it('binds s3rver and dynalite to 127.0.0.1, s3rver with its files in the data dir', () => {
    // Act
    const s3 = s3rverSpec({ ...params, bucket: 'my-bucket' }).args.join(' ');
    const dynamodb = dynaliteSpec({ port: params.port, storage: 'memory' }).args.join(' ');

    // Assess
    expect(s3).toContain('--address 127.0.0.1 --port 41234 --directory /tmp/data --configure-bucket my-bucket');
    expect(dynamodb).toContain('--host 127.0.0.1 --port 41234 --createTableMs 0');
  });

  it('runs the same command lines in their images: files below /app, listening on every address of the container, data dirs mounted', () => {
    // Act
    const kinesis = kinesisLocalSpec(params, IMAGE_LAYOUT);
    const kinesalite = kinesaliteSpec(params, IMAGE_LAYOUT);
    const s3 = s3rverSpec({ ...params, bucket: 'my-bucket' }, IMAGE_LAYOUT);
    const dynamodb = dynaliteSpec({ port: params.port, storage: 'memory' }, IMAGE_LAYOUT);

    // Assess
    expect(kinesis).toMatchObject({ image: 'kinesis-local', command: '/usr/local/bin/node', args: ['main.js'], cwd: '/app/node_modules/kinesis-local', mounts: ['/tmp/data'] });
    expect(kinesalite.args.slice(0, 3)).toEqual(['/app/node_modules/kinesalite/cli.js', '--port', '41234']);
    expect(s3).toMatchObject({ image: 's3rver', mounts: ['/tmp/data'] });
    expect(s3.args.join(' ')).toContain('/app/node_modules/s3rver/bin/s3rver.js --address 0.0.0.0 --port 41234 --directory /tmp/data');
    expect(dynamodb).toMatchObject({ image: 'dynalite', mounts: [] });
    expect(dynamodb.args.join(' ')).toContain('--host 0.0.0.0 --port 41234');
  });

  it('keeps dynalite in memory unless disk storage is asked for', () => {
    // Act
    const inMemory = dynaliteSpec({ port: params.port, storage: 'memory' }).args;
    const onDisk = dynaliteSpec({ port: params.port, storage: 'disk', dataDir: '/tmp/data' }).args.join(' ');

    // Assess
    expect(inMemory).not.toContain('--path');
    expect(onDisk).toContain('--port 41234 --path /tmp/data --createTableMs 0');
  });
});
