import { createRandom, decodeJobEvent, DEAD_LETTER_REASONS, type JobEvent } from '@tenant-analytics/domain';
import { INVALID_RECORD_RECIPES, invalidRecipesFor, JOB_EVENT_FORMATS, type JobEventFormat, type SpoilContext } from './invalid-records';

const SCHEDULED_AT_MS = Date.parse('2026-11-25T10:00:00.000Z');

const validEvent = (format: JobEventFormat, index: number): JobEvent => {
  const sentAt = new Date(SCHEDULED_AT_MS).toISOString();
  const event = { companyID: `comp_${index % 7}`, userID: `user_${index}`, nbJobs: 1 + (index % 5), creationDate: sentAt, sentAt };
  return format === 'json' ? { ...event, eventID: `run-${index}` } : event;
};

const spoilContext = (format: JobEventFormat, seed: number): SpoilContext => ({
  format,
  random: createRandom(seed),
  scheduledAtMs: SCHEDULED_AT_MS,
  unknownCompanyId: `unknown_run_${seed}`,
});

/** The processor decodes a little after the scheduled send time; an hour covers a slow pipeline. */
const decodeLater = (data: Uint8Array, delayMs: number) => {
  const now = new Date(SCHEDULED_AT_MS + delayMs);
  return decodeJobEvent(data, { arrivalTime: now, now });
};

describe('INVALID_RECORD_RECIPES', () => {
  const cases = JOB_EVENT_FORMATS.flatMap((format) => invalidRecipesFor(format).map((recipe) => [format, recipe.kind, recipe] as const));

  it.each(cases.filter(([, , recipe]) => recipe.reason !== 'unknown-company'))('%s %s fails decodeJobEvent with its tagged reason', (format, _kind, recipe) => {
    for (let seed = 1; seed <= 50; seed += 1) {
      // Prepare
      const event = validEvent(format, seed);

      // Act
      const data = recipe.spoil(event, spoilContext(format, seed));

      // Assess: the same reason whether the processor reads it a second or an hour later
      for (const delayMs of [1_000, 3_600_000]) {
        const result = decodeLater(data, delayMs);
        expect(result).toMatchObject({ ok: false, reason: recipe.reason });
      }
    }
  });

  it.each(JOB_EVENT_FORMATS)('%s unknown-company decodes fine, with a company id outside the data set', (format) => {
    const recipe = INVALID_RECORD_RECIPES.find((candidate) => candidate.kind === 'unknown-company');

    const data = recipe?.spoil(validEvent(format, 3), spoilContext(format, 3)) ?? new Uint8Array();

    const result = decodeLater(data, 1_000);
    expect(result).toMatchObject({ ok: true, value: { companyID: 'unknown_run_3' } });
  });

  it.each(JOB_EVENT_FORMATS)('starts from %s events that are valid', (format) => {
    const data = new TextEncoder().encode(format === 'json' ? JSON.stringify(validEvent(format, 1)) : 'comp_1,user_1,2,2026-11-25T10:00:00.000Z');

    expect(decodeLater(data, 1_000)).toMatchObject({ ok: true });
  });

  it('tags every recipe with a known dead-letter reason and gives each format several kinds', () => {
    for (const recipe of INVALID_RECORD_RECIPES) {
      expect(DEAD_LETTER_REASONS).toContain(recipe.reason);
    }
    expect(new Set(INVALID_RECORD_RECIPES.map((recipe) => recipe.kind)).size).toBe(INVALID_RECORD_RECIPES.length);
    expect(invalidRecipesFor('csv').map((recipe) => recipe.kind)).toEqual(expect.arrayContaining(['csv-too-many-columns', 'nb-jobs-negative']));
    expect(invalidRecipesFor('csv').map((recipe) => recipe.kind)).not.toContain('truncated-json');
    expect(invalidRecipesFor('json').map((recipe) => recipe.kind)).not.toContain('csv-too-many-columns');
  });
});
