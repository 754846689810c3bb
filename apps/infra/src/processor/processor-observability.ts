import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * The processor's custom metrics (CloudWatch embedded metric format, Powertools Metrics): the
 * namespace, the `service` dimension and the metric names the dashboard and alarms read.
 */
export const PROCESSOR_METRICS = {
  namespace: 'TenantAnalytics',
  dimensions: { service: 'processor' },
  /** Records the processor received. */
  recordsIn: 'RecordsIn',
  /** Enriched records it produced. */
  enriched: 'Enriched',
  /** Dead letters it wrote to `dlqPath`. */
  deadLetters: 'DeadLetters',
  /** Milliseconds per churn scoring call. */
  scoringLatency: 'ScoringLatencyMs',
} as const;

/** Props of {@link ProcessorObservability}. */
export interface ProcessorObservabilityProps {
  readonly function: lambda.IFunction;
  readonly onFailureQueue: sqs.IQueue;
  readonly inputStreamNames: readonly string[];
  readonly outputStreamName: string;
  readonly iteratorAgeThresholdMs: number;
  readonly deadLetterThreshold: number;
  /** Subscribes this address to a new alarm topic; unset: alarms without actions. */
  readonly alarmEmail?: string;
}

/**
 * A dashboard (records in/out, dead letters, iterator age, Lambda errors/throttles/duration,
 * scoring latency) and alarms on iterator age, errors, throttles and dead letters (the processor's
 * own and the event source mappings' discarded batches), optionally notifying an SNS topic.
 */
export class ProcessorObservability extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: readonly cloudwatch.Alarm[];
  readonly alarmTopic?: sns.Topic;

  constructor(scope: Construct, id: string, props: ProcessorObservabilityProps) {
    super(scope, id);
    const fn = props.function;
    const fiveMinutes = Duration.minutes(5);
    const oneMinute = Duration.minutes(1);
    const kinesisMetric = (streamName: string, metricName: string, statistic: string) =>
      new cloudwatch.Metric({ namespace: 'AWS/Kinesis', metricName, dimensionsMap: { StreamName: streamName }, statistic, period: oneMinute, label: streamName });
    const customMetric = (metricName: string, statistic: string, period: Duration) =>
      new cloudwatch.Metric({ namespace: PROCESSOR_METRICS.namespace, metricName, dimensionsMap: { ...PROCESSOR_METRICS.dimensions }, statistic, period });

    const iteratorAge = fn.metric('IteratorAge', { statistic: cloudwatch.Stats.MAXIMUM, period: oneMinute });
    const errors = fn.metricErrors({ statistic: cloudwatch.Stats.SUM, period: fiveMinutes });
    const throttles = fn.metricThrottles({ statistic: cloudwatch.Stats.SUM, period: fiveMinutes });
    const deadLetters = customMetric(PROCESSOR_METRICS.deadLetters, cloudwatch.Stats.SUM, fiveMinutes);
    const discardedBatches = props.onFailureQueue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: fiveMinutes });

    const alarmProps = { evaluationPeriods: 1, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING } as const;
    this.alarms = [
      iteratorAge.createAlarm(this, 'IteratorAgeAlarm', {
        ...alarmProps,
        alarmDescription: 'The processor is falling behind its input streams',
        threshold: props.iteratorAgeThresholdMs,
        evaluationPeriods: 5,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      }),
      errors.createAlarm(this, 'ErrorsAlarm', {
        ...alarmProps,
        alarmDescription: 'The processor function failed invocations (whole batches are retried)',
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      }),
      throttles.createAlarm(this, 'ThrottlesAlarm', {
        ...alarmProps,
        alarmDescription: 'The processor function was throttled',
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      }),
      deadLetters.createAlarm(this, 'DeadLettersAlarm', {
        ...alarmProps,
        alarmDescription: 'The processor wrote dead letters (see dlqPath)',
        threshold: props.deadLetterThreshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      }),
      discardedBatches.createAlarm(this, 'DiscardedBatchesAlarm', {
        ...alarmProps,
        alarmDescription: 'Event source mappings discarded records after their retries (on-failure queue)',
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      }),
    ];

    if (props.alarmEmail !== undefined) {
      this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
        displayName: 'Tenant analytics processor alarms',
        enforceSSL: true,
      });
      Validations.of(this.alarmTopic).acknowledge({
        id: 'AwsSolutions-SNS2',
        reason:
          'CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed aws/sns key, and alarm messages carry only alarm and metric names, so the topic is not worth a customer-managed key.',
      });
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
      const action = new actions.SnsAction(this.alarmTopic);
      for (const alarm of this.alarms) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-processor`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Records in (input streams) and out (enriched stream)',
        left: props.inputStreamNames.map((name) => kinesisMetric(name, 'IncomingRecords', cloudwatch.Stats.SUM)),
        right: [kinesisMetric(props.outputStreamName, 'IncomingRecords', cloudwatch.Stats.SUM)],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Processor records: in, enriched, dead letters; discarded batches (right)',
        left: [
          customMetric(PROCESSOR_METRICS.recordsIn, cloudwatch.Stats.SUM, oneMinute),
          customMetric(PROCESSOR_METRICS.enriched, cloudwatch.Stats.SUM, oneMinute),
          customMetric(PROCESSOR_METRICS.deadLetters, cloudwatch.Stats.SUM, oneMinute),
        ],
        right: [discardedBatches],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Iterator age (ms)',
        left: [iteratorAge, ...props.inputStreamNames.map((name) => kinesisMetric(name, 'GetRecords.IteratorAgeMilliseconds', cloudwatch.Stats.MAXIMUM))],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Lambda invocations, errors, throttles',
        left: [fn.metricInvocations({ period: oneMinute }), fn.metricErrors({ period: oneMinute }), fn.metricThrottles({ period: oneMinute })],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Lambda duration (ms)',
        left: [cloudwatch.Stats.p(50), cloudwatch.Stats.p(99), cloudwatch.Stats.MAXIMUM].map((statistic) => fn.metricDuration({ statistic, period: oneMinute })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Churn scoring latency (ms)',
        left: [cloudwatch.Stats.p(50), cloudwatch.Stats.p(99)].map((statistic) => customMetric(PROCESSOR_METRICS.scoringLatency, statistic, oneMinute)),
        width: 12,
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...this.alarms], width: 24 }),
    );
  }
}
