/**
 * The processor Lambda as apps/infra deploys it by default (`infra-config.ts`: processorMemoryMb,
 * batchSize, maxBatchingWindowSeconds; `processor-stack.ts`: the architecture). A tool cannot
 * import the infra app, so the values are repeated here and a test reads the infra source to keep
 * them equal.
 */
export const LAMBDA_DEPLOYMENT = {
  memoryMb: 1_024,
  architecture: 'arm64',
  /** The event source mapping's batch size. */
  batchSize: 500,
  /** The event source mapping's batching window. */
  batchingWindowMs: 1_000,
} as const;
