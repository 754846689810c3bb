import { DomainError } from '@tenant-analytics/domain';

/** Context of a pipeline-run error: what was being waited for, what the runner printed last. */
export type PipelineRunErrorContext = Readonly<Record<string, string | number | boolean | undefined>>;

/** A pipeline run could not start, drain or stop as asked. Not retriable: the run is broken. */
export class PipelineRunError extends DomainError {
  declare readonly context: PipelineRunErrorContext;

  constructor(message: string, options: { readonly cause?: unknown; readonly context?: PipelineRunErrorContext } = {}) {
    super(message, { cause: options.cause, context: options.context });
  }
}
