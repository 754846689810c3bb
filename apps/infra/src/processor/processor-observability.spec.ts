import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { PROCESSOR_METRICS, ProcessorObservability, type ProcessorObservabilityProps } from './processor-observability';

function observabilityTemplate(overrides: Partial<Omit<ProcessorObservabilityProps, 'function' | 'onFailureQueue'>> = {}): Template {
  const stack = new Stack(new App(), 'Observed');
  const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') });
  new ProcessorObservability(stack, 'Observability', {
    function: fn,
    onFailureQueue: new sqs.Queue(stack, 'Queue'),
    inputStreamNames: ['bigdatajobs', 'companies'],
    outputStreamName: 'enrichedcompanies',
    iteratorAgeThresholdMs: 60_000,
    deadLetterThreshold: 1,
    ...overrides,
  });
  return Template.fromStack(stack);
}

describe('ProcessorObservability', () => {
  const template = observabilityTemplate();

  it('alarms on the maximum iterator age over five minutes', () => {
    // act / assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Statistic: 'Maximum',
      Threshold: 60_000,
      EvaluationPeriods: 5,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it.each(['Errors', 'Throttles'])('alarms on any Lambda %s', (metricName) => {
    // act / assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: metricName,
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it("alarms on the processor's dead letters and on batches the mappings discarded", () => {
    // act / assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: PROCESSOR_METRICS.namespace,
      MetricName: 'DeadLetters',
      Dimensions: [{ Name: 'service', Value: 'processor' }],
      Statistic: 'Sum',
      Threshold: 1,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1 });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 5);
  });

  it('draws the dashboard from the stream, Lambda and custom metrics', () => {
    // act
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));

    // assess
    for (const fragment of ['IncomingRecords', 'enrichedcompanies', 'GetRecords.IteratorAgeMilliseconds', 'Duration', 'ScoringLatencyMs', 'RecordsIn', 'Enriched', 'DeadLetters']) {
      expect(body).toContain(fragment);
    }
  });

  it('sends no notification without an alarm email', () => {
    // act / assess
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: Match.absent() });
  });

  it('notifies a TLS-only topic with an email subscription when an address is given', () => {
    // act
    const notified = observabilityTemplate({ alarmEmail: 'ops@example.com', deadLetterThreshold: 10 });

    // assess
    notified.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    notified.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    notified.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }], OKActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }] });
    notified.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'DeadLetters', Threshold: 10 });
  });
});
