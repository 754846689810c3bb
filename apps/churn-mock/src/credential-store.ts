import { z } from 'zod';

/** An AWS access key pair the mock accepts. */
export const credentialPairSchema = z.object({
  accessKeyId: z.string().min(1).max(128),
  secretAccessKey: z.string().min(1).max(128),
});
export type CredentialPair = z.infer<typeof credentialPairSchema>;

/** At least one pair, access key ids unique. */
export const credentialPairsSchema = z
  .array(credentialPairSchema)
  .min(1)
  .refine((pairs) => new Set(pairs.map((pair) => pair.accessKeyId)).size === pairs.length, { message: 'access key ids must be unique' });

/** The documented local test credentials (s3rver accepts only these; not secrets). */
export const LOCAL_TEST_CREDENTIALS: readonly CredentialPair[] = [{ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }];

/**
 * The key pairs whose signatures the mock accepts. Several at once, and replaceable at run time
 * (`PUT /admin/credentials`), so that a client's credential rotation can be tested: accept old and
 * new, then drop the old.
 */
export class CredentialStore {
  private secrets: ReadonlyMap<string, string>;

  constructor(pairs: readonly CredentialPair[]) {
    this.secrets = CredentialStore.index(pairs);
  }

  /** The secret of `accessKeyId`, or `undefined` when the key is not accepted. */
  secretFor(accessKeyId: string): string | undefined {
    return this.secrets.get(accessKeyId);
  }

  /** The accepted access key ids (never the secrets). */
  accessKeyIds(): string[] {
    return [...this.secrets.keys()];
  }

  /** Accepts exactly `pairs` from now on. */
  replace(pairs: readonly CredentialPair[]): void {
    this.secrets = CredentialStore.index(pairs);
  }

  private static index(pairs: readonly CredentialPair[]): ReadonlyMap<string, string> {
    return new Map(credentialPairsSchema.parse(pairs).map((pair) => [pair.accessKeyId, pair.secretAccessKey]));
  }
}
