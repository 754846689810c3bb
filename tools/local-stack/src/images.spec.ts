import { REPO_ROOT } from '@tenant-analytics/local-endpoints';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ContainerBackendError } from './errors';
import { imageRef, imageTag, packageClosure } from './images';

describe('packageClosure', () => {
  it('lists a package and everything it needs at run time, as installed', () => {
    // Act
    const closure = packageClosure('dynalite');

    // Assess
    expect(closure).toContain('node_modules/dynalite');
    expect(closure).toContain('node_modules/lazy'); // a dependency of dynalite
    expect(closure.every((dir) => existsSync(path.join(REPO_ROOT, dir, 'package.json')))).toBe(true);
    expect(closure).not.toContain('node_modules/jest');
  });

  it('rejects a package that is not installed', () => {
    expect(() => packageClosure('no-such-package-here')).toThrow(ContainerBackendError);
  });
});

describe('imageRef', () => {
  it('names each image by content: the same inputs give the same tag, each image its own', () => {
    // Act
    const first = imageRef('kinesalite');
    const again = imageRef('kinesalite');
    const other = imageRef('s3rver');

    // Assess
    expect(first.ref).toMatch(/^tenant-analytics\/kinesalite:[0-9a-f]{16}$/);
    expect(again).toEqual(first);
    expect(imageTag('s3rver')).not.toBe(imageTag('kinesalite'));
    expect(other.image).toBe('s3rver');
  });

  it('tags the service images from their sources', () => {
    expect(imageRef('churn-mock').ref).toMatch(/^tenant-analytics\/churn-mock:[0-9a-f]{16}$/);
    expect(imageTag('churn-mock')).not.toBe(imageTag('tenant-manager-mock'));
  });
});
