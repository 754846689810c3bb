import { parseEventSourceMappingSettings } from '@tenant-analytics/domain';

/** The event source mapping's defaults, from the definition apps/infra and the mapping emulator share. */
const MAPPING = parseEventSourceMappingSettings({});

/**
 * The processor Lambda as apps/infra deploys it by default: memory (`infra-config.ts`:
 * processorMemoryMb), architecture (`shared/node-function.ts`, every function of the app) and its
 * young-generation flag (`stacks/processor-stack.ts`) are repeated here, because a tool
 * cannot import the infra app, and a test reads the infra source to keep them equal; the batching
 * comes from the mapping settings in libs/domain that the CDK app uses.
 */
export const LAMBDA_DEPLOYMENT = {
  memoryMb: 1_024,
  architecture: 'arm64',
  /**
   * The V8 flag of the processor's `NODE_OPTIONS` (`processor-stack.ts`: PROCESSOR_NODE_OPTIONS):
   * `npm run bench` and the local runner (`nx serve processor`, the pipeline harness) run with it
   * too, so that CPU per event is the deployed processor's.
   */
  semiSpaceFlag: '--max-semi-space-size=64',
  /** The event source mapping's batch size. */
  batchSize: MAPPING.batchSize,
  /** The event source mapping's batching window. */
  batchingWindowMs: MAPPING.maxBatchingWindowSeconds * 1_000,
} as const;
