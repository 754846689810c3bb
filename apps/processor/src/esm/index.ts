// The local event source mapping emulator (`--runtime lambda`): re-exports only.
export { decideAfterInvocation, splitExpired } from './batch-retry-policy';
export type { BatchAttempt, Discard, DiscardCondition, RetryDecision, RetryPolicySettings } from './batch-retry-policy';
export { EventSourceMappingEmulator } from './event-source-mapping-emulator';
export type { EventSourceMappingEmulatorOptions, MappedStream, ShardStatus } from './event-source-mapping-emulator';
export { FunctionEnvironments, FunctionFaults } from './function-environments';
export type { FiredFault, HandlerLoader, InvocationTarget, KinesisFunctionHandler } from './function-environments';
export { HANDLER_MODULE, moduleHandlerLoader } from './handler-loader';
export { batchVerdictOf } from './invocation-verdict';
export type { BatchVerdict, FunctionErrorType, InvocationResult } from './invocation-verdict';
export { kinesisStreamArn, toKinesisStreamEvent, toKinesisStreamRecord } from './kinesis-stream-event';
export type { EventSourceIdentity } from './kinesis-stream-event';
export { LOCAL_IDENTITY, runLambdaRuntime } from './lambda-runtime';
export type { LambdaRuntimeOptions } from './lambda-runtime';
export { CDK_JSON, loadMappingSettings } from './mapping-settings';
export { JsonLinesOnFailureDestination, kinesisOnFailureRecordSchema, readOnFailureRecords, toOnFailureRecord } from './on-failure-destination';
export type { KinesisOnFailureRecord, OnFailureDestination } from './on-failure-destination';
export { ShardConsumer } from './shard-consumer';
export type { InvocationReport, ShardConsumerDependencies, ShardConsumerSettings, ShardRecordSource } from './shard-consumer';
