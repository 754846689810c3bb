import { DomainError } from '@tenant-analytics/domain';

/**
 * `.local/endpoints.json` is missing, not JSON, or does not match the endpoints schema. Not
 * retriable: start the stack (`npx nx serve mocks`) or fix the file.
 */
export class EndpointsFileError extends DomainError {}
