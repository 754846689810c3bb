import { longestStall, runStory } from './run-story';
import { demoResultFactory, liveModelFactory, processorSampleFactory } from './testing/demo-result-factory';

const second = (index: number, sent: number, output: number) => ({ second: index, sent, output });

describe('longestStall', () => {
  it('finds the longest run of seconds without output while events were waiting', () => {
    // Act
    const stall = longestStall([second(0, 10, 0), second(1, 10, 5), second(2, 0, 0), second(3, 0, 0), second(4, 0, 0), second(5, 0, 15), second(6, 0, 0)]);

    // Assess
    expect(stall).toEqual({ fromSecond: 2, toSecond: 5, seconds: 3 });
  });

  it('is undefined when nothing waited (no output because nothing was sent)', () => {
    expect(longestStall([second(0, 0, 0), second(1, 5, 5), second(2, 0, 0)])).toBeUndefined();
  });
});

describe('runStory', () => {
  it('says the pipeline kept up when p50 is low and nothing stalled', () => {
    // Act
    const story = runStory(demoResultFactory());

    // Assess
    expect(story.severity).toBe('ok');
    expect(story.headline).toBe('The pipeline kept up: p50 latency 320 ms, no stall.');
  });

  it('calls out a stall and a slow p50 with the stage and the failing dependency behind them', () => {
    // Prepare
    const base = demoResultFactory();
    const timeline = [second(0, 500, 0), ...Array.from({ length: 8 }, (_, index) => second(index + 1, 0, 0)), second(9, 0, 500)];
    const live = liveModelFactory({
      samples: [
        processorSampleFactory(0),
        processorSampleFactory(1_000, {
          stages: { commit: { sumMs: 9_000, count: 3 }, compute: { sumMs: 1_000, count: 3 } },
          dependencies: { dynamodb: { calls: 100, errors: 7, throttled: 3, latencySumMs: 50_000, latencyCount: 100, retries: 0 } },
        }),
      ],
    });
    const result = { ...base, live, stats: { ...base.stats, timeline, latencyMs: { count: 500, p50: 26_000, p90: 28_000, p99: 29_000, max: 30_000, mean: 26_500 } } };

    // Act
    const story = runStory(result);

    // Assess
    expect(story.severity).toBe('warn');
    expect(story.headline).toBe('The pipeline fell behind (no output for 9 s): p50 latency 26.0 s; most batch time went to commit and dynamodb failed calls.');
    expect(story.sentences).toEqual(
      expect.arrayContaining([
        'Nothing came out from second 0 to second 9 (9 s) although events were waiting; output then came in bursts.',
        "Most of the processor's batch time went to commit (90 %, 3,000 ms per batch on average).",
        'dynamodb: 7 errors and 3 throttles in 100 calls.',
      ]),
    );
  });
});
