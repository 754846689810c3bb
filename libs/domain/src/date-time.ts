import { z } from 'zod';

/**
 * An ISO-8601 date-time with an explicit zone (`Z` or `±hh:mm`), e.g. `2026-11-25T10:00:00Z`.
 * Calendar-checked (no 30 February); a missing zone is rejected because its meaning depends on the
 * reader's clock.
 */
export const zonedDateTimeSchema = z.iso.datetime({
  offset: true,
  error: 'must be an ISO-8601 date-time with a zone, e.g. 2026-11-25T10:00:00Z',
});
