import type { Logger } from '@tenant-analytics/domain';
import { REPO_ROOT } from '@tenant-analytics/local-endpoints';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import type { ContainerRuntimeClient } from 'testcontainers';
import { z } from 'zod';
import { COMPONENT_IMAGES, type ComponentImage } from './emulators';
import { ContainerBackendError } from './errors';
import { IMAGE_APP_DIR, IMAGE_NODE } from './runtime-layout';
import { SERVICES, serviceBundlePath, type ServiceName } from './services';

const execFileAsync = promisify(execFile);

/** Repository of every image (`tenant-analytics/<component>:<content hash>`); never pushed anywhere. */
export const IMAGE_REPOSITORY_PREFIX = 'tenant-analytics';
/** Bump when the image layout changes, so that older images are rebuilt. */
const IMAGE_FORMAT = 2;
/**
 * The layer every image shares: the host's node binary and the libraries it links. Imported once
 * per node version (`docker import`); each component image is a local build `FROM` it that adds
 * only `/app` (no registry is involved: the base exists locally, so nothing is pulled).
 */
const RUNTIME_IMAGE = 'node-runtime';

/** The npm package each emulator image holds (with its dependency closure). */
const EMULATOR_PACKAGES: Readonly<Partial<Record<ComponentImage, string>>> = {
  'kinesis-local': 'kinesis-local',
  kinesalite: 'kinesalite',
  s3rver: 's3rver',
  dynalite: 'dynalite',
};

const SERVICE_OF_IMAGE: Readonly<Partial<Record<ComponentImage, ServiceName>>> = {
  'tenant-manager-mock': 'tenantManager',
  'churn-mock': 'churnApi',
};

/** Where churn-mock's bundle finds the model by default (`<bundle dir>/../model/churn-model.json`). */
const CHURN_MODEL = 'libs/churn-model/model/churn-model.json';

/** The reference of an image: name and content tag. */
export interface ImageRef {
  readonly image: ComponentImage;
  /** `tenant-analytics/<image>:<tag>` */
  readonly ref: string;
}

/** What a build did. */
export interface ImageBuild extends ImageRef {
  readonly built: boolean;
  readonly sizeBytes: number;
  readonly buildMs: number;
}

/**
 * Folders of an npm package and of everything it depends on (dependencies and optional ones),
 * resolved as Node does from each requiring package, relative to the repository root.
 */
export function packageClosure(name: string, root: string = REPO_ROOT): string[] {
  const found = new Set<string>();
  const queue: Array<{ readonly name: string; readonly from: string }> = [{ name, from: root }];
  while (queue.length > 0) {
    const next = queue.pop();
    if (next === undefined) break;
    const dir = findPackageDir(next.name, next.from);
    if (dir === undefined) {
      if (next.name === name) throw new ContainerBackendError(`Package ${name} is not installed: run npm ci`, { context: { package: name } });
      continue; // an optional dependency that is not installed for this platform
    }
    if (found.has(dir)) continue;
    found.add(dir);
    const manifest = readManifest(dir);
    for (const dependency of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) queue.push({ name: dependency, from: dir });
  }
  return [...found].map((dir) => path.relative(root, dir)).sort();
}

/** The fields of a package.json that the closure and the tags use. */
const manifestSchema = z.object({
  version: z.string().optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
  optionalDependencies: z.record(z.string(), z.string()).optional(),
});
type Manifest = z.infer<typeof manifestSchema>;

/** @throws ContainerBackendError for a package.json that is not a package manifest */
function readManifest(dir: string): Manifest {
  const file = path.join(dir, 'package.json');
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new ContainerBackendError(`${file} is not a package manifest: ${parsed.error.message}`, { context: { file } });
  return parsed.data;
}

/** Node's lookup: `node_modules/<name>` in the folder and each parent. */
function findPackageDir(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Drops folders inside another listed folder (copying the outer one copies them). */
function outermost(dirs: readonly string[]): string[] {
  const sorted = [...dirs].sort();
  return sorted.filter((dir, index) => !sorted.slice(0, index).some((outer) => dir.startsWith(`${outer}${path.sep}`)));
}

function hashOf(parts: readonly (string | Buffer)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 16);
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.spec.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/**
 * The content tag of an image: the node binary's version, and for an emulator its packages'
 * versions, for a service the sources of the apps and libraries (and the lockfile) it is bundled
 * from. Cheap enough to compute at every start, so that a stale image is rebuilt, never run.
 */
export function imageTag(image: ComponentImage): string {
  const runtime = [`format ${IMAGE_FORMAT}`, runtimeRef()];
  const emulator = EMULATOR_PACKAGES[image];
  if (emulator !== undefined) {
    return hashOf([...runtime, ...packageClosure(emulator).map((dir) => `${dir}@${readManifest(path.join(REPO_ROOT, dir)).version ?? '?'}`)]);
  }
  const service = SERVICE_OF_IMAGE[image];
  if (service === undefined) throw new ContainerBackendError(`Unknown image ${image}`);
  const files = [
    ...sourceFiles(path.join(REPO_ROOT, path.dirname(SERVICES[service].main))),
    ...readdirSync(path.join(REPO_ROOT, 'libs')).flatMap((lib) => sourceFiles(path.join(REPO_ROOT, 'libs', lib, 'src'))),
    path.join(REPO_ROOT, 'package-lock.json'),
    ...(image === 'churn-mock' ? [path.join(REPO_ROOT, CHURN_MODEL)] : []),
  ];
  return hashOf([...runtime, ...files.flatMap((file) => [path.relative(REPO_ROOT, file), readFileSync(file)])]);
}

/** The shared base image of this node binary. */
function runtimeRef(): string {
  return `${IMAGE_REPOSITORY_PREFIX}/${RUNTIME_IMAGE}:${hashOf([`format ${IMAGE_FORMAT}`, process.version, process.arch, realpathSync(process.execPath)])}`;
}

/** The reference the stack runs for an image now. */
export function imageRef(image: ComponentImage): ImageRef {
  return { image, ref: `${IMAGE_REPOSITORY_PREFIX}/${image}:${imageTag(image)}` };
}

/**
 * Shared libraries a binary links, as `ldd` lists them (absolute paths); none for a file `ldd`
 * cannot load (packages ship prebuilt addons of other platforms too, which are never loaded here).
 */
async function linkedLibraries(binary: string): Promise<string[]> {
  const stdout = await execFileAsync('ldd', [binary]).then(
    (result) => result.stdout,
    () => '',
  );
  return stdout
    .split('\n')
    .map((line) => /(\/\S+)\s+\(0x/.exec(line)?.[1])
    .filter((library): library is string => library !== undefined);
}

function nativeAddons(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.node'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** Copies a file to the same absolute path below `root`, following symlinks. */
function copyInto(root: string, file: string, target: string = file): void {
  const destination = path.join(root, target);
  mkdirSync(path.dirname(destination), { recursive: true });
  copyFileSync(realpathSync(file), destination);
  chmodSync(destination, statSync(realpathSync(file)).mode & 0o777);
}

/** Lays out the base image's file system in `root`: node, the libraries it links (`ldd`), `/tmp`. */
async function stageRuntime(root: string): Promise<void> {
  mkdirSync(path.join(root, 'tmp'), { recursive: true });
  chmodSync(path.join(root, 'tmp'), 0o1777);
  copyInto(root, process.execPath, IMAGE_NODE);
  for (const library of await linkedLibraries(process.execPath)) copyInto(root, library);
}

/**
 * Lays out what a component image adds to the base in `root`: below `/app` what the component
 * runs, and any library its native addons link that node does not (found with `ldd`).
 */
async function stageImage(image: ComponentImage, root: string): Promise<void> {
  const app = path.join(root, IMAGE_APP_DIR);
  mkdirSync(app, { recursive: true });
  const emulator = EMULATOR_PACKAGES[image];
  const service = SERVICE_OF_IMAGE[image];
  if (emulator !== undefined) {
    for (const dir of outermost(packageClosure(emulator))) cpSync(path.join(REPO_ROOT, dir), path.join(app, dir), { recursive: true, dereference: true });
  } else if (service !== undefined) {
    const bundle = await bundleService(service);
    const target = path.join(root, serviceBundlePath(service));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, bundle);
    if (service === 'churnApi') copyInto(root, path.join(REPO_ROOT, CHURN_MODEL), path.posix.join(IMAGE_APP_DIR, 'model', 'churn-model.json'));
  }
  const inRuntime = new Set(await linkedLibraries(process.execPath));
  for (const addon of nativeAddons(app)) {
    for (const library of await linkedLibraries(addon)) if (!inRuntime.has(library)) copyInto(root, library);
  }
}

/** One CommonJS file of a service and every library it imports (esbuild, from source). */
async function bundleService(service: ServiceName): Promise<Uint8Array> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [path.join(REPO_ROOT, SERVICES[service].main)],
    bundle: true,
    platform: 'node',
    target: `node${process.versions.node.split('.')[0] ?? '20'}`,
    format: 'cjs',
    write: false,
    conditions: ['@tenant-analytics/source'],
    // service-kit's child-process helper resolves tsx; the services themselves never call it.
    external: ['tsx'],
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new ContainerBackendError(`esbuild produced no bundle for ${SERVICES[service].name}`);
  return output.contents;
}

/** A tar stream of a folder (GNU tar), owned by root inside. */
function tarOf(root: string): { readonly stream: NodeJS.ReadableStream; readonly done: Promise<void> } {
  const tar = spawn('tar', ['--create', '--file=-', `--directory=${root}`, '--owner=0', '--group=0', '--numeric-owner', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  tar.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
  const done = new Promise<void>((resolve, reject) => {
    tar.once('error', reject);
    tar.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar exited with ${code}: ${errors.trim()}`))));
  });
  return { stream: tar.stdout, done };
}

/** The engine's JSON progress stream, with the first error it reports thrown. */
async function drainProgress(response: NodeJS.ReadableStream, what: string, ref: string): Promise<void> {
  const text = await new Promise<string>((resolve, reject) => {
    let body = '';
    response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    response.once('end', () => resolve(body));
    response.once('error', reject);
  });
  const failure = /"error"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(text);
  if (failure !== null) throw new ContainerBackendError(`${what} of ${ref} failed: ${failure[1] ?? text.trim()}`, { context: { image: ref } });
}

/** `docker import` of a staged root through the engine's API. */
async function importImage(client: ContainerRuntimeClient, root: string, ref: string): Promise<void> {
  const tar = tarOf(root);
  const [repo, tag] = ref.split(':');
  try {
    await drainProgress(await client.container.dockerode.importImage(tar.stream, { repo, tag }), 'docker import', ref);
    await tar.done;
  } catch (error) {
    if (error instanceof ContainerBackendError) throw error;
    throw new ContainerBackendError(`docker import of ${ref} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error, context: { image: ref } });
  }
}

/** A local build `FROM` the base that copies a staged root over it (`docker build`, no pull). */
async function buildOnRuntime(client: ContainerRuntimeClient, root: string, ref: string): Promise<void> {
  const context = path.dirname(root);
  writeFileSync(path.join(context, 'Dockerfile'), `FROM ${runtimeRef()}\nCOPY ${path.basename(root)}/ /\n`);
  const tar = tarOf(context);
  try {
    await drainProgress(await client.container.dockerode.buildImage(tar.stream, { t: ref, rm: true, forcerm: true }), 'docker build', ref);
    await tar.done;
  } catch (error) {
    if (error instanceof ContainerBackendError) throw error;
    throw new ContainerBackendError(`docker build of ${ref} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error, context: { image: ref } });
  }
}

/** Imports the base image of this node binary unless the engine has it. */
async function ensureRuntime(client: ContainerRuntimeClient, logger: Logger): Promise<void> {
  const ref = runtimeRef();
  if (await hasImage(client, ref)) return;
  logger.info('importing the base image', { image: ref });
  const root = mkdtempSync(path.join(os.tmpdir(), 'image-runtime-'));
  try {
    await stageRuntime(root);
    await importImage(client, root, ref);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Whether the engine has this image. */
export async function hasImage(client: ContainerRuntimeClient, ref: string): Promise<boolean> {
  try {
    await client.container.dockerode.getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}

/** Options of {@link ensureImages}. */
export interface EnsureImagesOptions {
  readonly logger: Logger;
  /** Rebuild even when the engine has an image with the current tag. @default false */
  readonly force?: boolean;
}

/**
 * Makes sure the engine has the current image of each component, building the missing ones from
 * this machine's node and `node_modules` (no registry is involved), and removes older tags of the
 * images it built.
 *
 * @throws ContainerBackendError when staging or importing an image fails
 */
export async function ensureImages(client: ContainerRuntimeClient, images: readonly ComponentImage[], options: EnsureImagesOptions): Promise<ImageBuild[]> {
  const builds: ImageBuild[] = [];
  for (const image of images) {
    const { ref } = imageRef(image);
    const startedAt = performance.now();
    const built = options.force === true || !(await hasImage(client, ref));
    if (built) {
      await ensureRuntime(client, options.logger);
      options.logger.info('building image', { image: ref });
      const context = mkdtempSync(path.join(os.tmpdir(), `image-${image}-`));
      try {
        const root = path.join(context, 'rootfs');
        await stageImage(image, root);
        await buildOnRuntime(client, root, ref);
      } finally {
        rmSync(context, { recursive: true, force: true });
      }
      await removeOlderTags(client, image, ref, options.logger);
    }
    const { Size: sizeBytes = 0 } = await client.container.dockerode.getImage(ref).inspect();
    builds.push({ image, ref, built, sizeBytes, buildMs: Math.round(performance.now() - startedAt) });
  }
  return builds;
}

/** Every image the local stack can run. */
export const ALL_IMAGES: readonly ComponentImage[] = COMPONENT_IMAGES;

async function removeOlderTags(client: ContainerRuntimeClient, image: ComponentImage, current: string, logger: Logger): Promise<void> {
  const repository = `${IMAGE_REPOSITORY_PREFIX}/${image}`;
  const images = await client.container.dockerode.listImages({ filters: JSON.stringify({ reference: [repository] }) });
  for (const { RepoTags: tags = [] } of images) {
    for (const tag of tags) {
      if (tag === current || !tag.startsWith(`${repository}:`)) continue;
      try {
        await client.container.dockerode.getImage(tag).remove();
        logger.debug('removed an older image', { image: tag });
      } catch (error) {
        // Still used by a container (another stack may run it): keep it.
        logger.debug('kept an older image in use', { image: tag, err: error });
      }
    }
  }
}
