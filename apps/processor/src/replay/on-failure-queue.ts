import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from '../core/ports';
import { kinesisOnFailureRecordSchema, type KinesisOnFailureRecord } from '../esm/on-failure-destination';

/** What draining the on-failure queue did. */
export interface QueueDrain {
  /** Messages handled and deleted. */
  readonly handled: number;
  /** Messages whose body is not an on-failure record of a Kinesis mapping: left in the queue, up to 5 ids. */
  readonly invalid: { readonly count: number; readonly messageIds: readonly string[] };
}

/** How long a received message stays invisible to other readers while its batch is replayed. */
const VISIBILITY_TIMEOUT_SECONDS = 900;

/**
 * Reads the mapping's on-failure queue until it is empty and hands each record to `handle`; a
 * message is deleted only after `handle` resolved, so a replay that fails (or a crash) leaves it
 * for the next run, and the replay's own exactly-once rules make a second handling harmless. A
 * message that is not an on-failure record is left in the queue and reported.
 */
export async function drainOnFailureQueue(sqs: SQSClient, queueUrl: string, handle: (record: KinesisOnFailureRecord) => Promise<void>, logger: Logger): Promise<QueueDrain> {
  let handled = 0;
  const invalidIds: string[] = [];
  let invalid = 0;
  const seenInvalid = new Set<string>();
  for (;;) {
    const response = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: VISIBILITY_TIMEOUT_SECONDS }),
    );
    const messages = response.Messages ?? [];
    if (messages.length === 0) break;
    for (const message of messages) {
      const id = message.MessageId ?? '';
      let parsed: ReturnType<typeof kinesisOnFailureRecordSchema.safeParse> | undefined;
      try {
        parsed = kinesisOnFailureRecordSchema.safeParse(JSON.parse(message.Body ?? ''));
      } catch {
        parsed = undefined;
      }
      if (parsed === undefined || !parsed.success) {
        if (!seenInvalid.has(id)) {
          seenInvalid.add(id);
          invalid += 1;
          if (invalidIds.length < 5) invalidIds.push(id);
          logger.warn('on-failure queue message is not an on-failure record of a Kinesis mapping; left in the queue', { messageId: id });
        }
        continue;
      }
      await handle(parsed.data);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      handled += 1;
    }
  }
  return { handled, invalid: { count: invalid, messageIds: invalidIds } };
}
