export * from './company';
export * from './job-event';
export * from './enriched-company';
export * from './dead-letter';
export * from './churn';
export * from './company-generator';
