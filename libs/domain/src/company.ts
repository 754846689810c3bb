import { z } from 'zod';
import { zonedDateTimeSchema } from './date-time';

/**
 * Industries seen in the seed's data set, in the model's one-hot order (ASCII sort, so `IT` first).
 *
 * An industry outside this list is still a valid company: its one-hot block is all zeros.
 */
export const KNOWN_INDUSTRIES = ['IT', 'consulting', 'energy', 'finance', 'gov', 'health', 'retail', 'service', 'travel'] as const;
export type KnownIndustry = (typeof KNOWN_INDUSTRIES)[number];

const COMPANY_ID_RULE = 'must be 1-64 characters of [A-Za-z0-9_.:-]';

/**
 * The whole {@link companyIdSchema} rule as one pattern, for checks that build no zod result (the
 * job decoder's fast path). Keep the two in step: a property test compares them.
 */
export const COMPANY_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** `companyID` / `tenantID`: 1–64 characters of `[A-Za-z0-9_.:-]` (ARCHITECTURE.md §2). */
export const companyIdSchema = z
  .string()
  .min(1, COMPANY_ID_RULE)
  .max(64, COMPANY_ID_RULE)
  .regex(/^[A-Za-z0-9_.:-]+$/, COMPANY_ID_RULE);

const nonNegativeNumber = z.number().finite().nonnegative();
const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** The profile fields shared by a company, a tenant record and an enriched record (seed wire names). */
export const companyProfileShape = {
  industry: z.string().min(1).max(64),
  /** Annual revenue; `revenu` is the seed's wire name and is kept. */
  revenu: nonNegativeNumber,
  employees: count,
  job30: count,
  job90: count,
  monthlyFee: nonNegativeNumber,
  totalFee: nonNegativeNumber,
} as const;

/**
 * Accepts the seed scoring Lambda's `employee` as an alias of `employees` on input; output always
 * uses `employees`.
 */
export function withEmployeeAlias(input: unknown): unknown {
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
    const record = input as Record<string, unknown>;
    if (record['employees'] === undefined && record['employee'] !== undefined) {
      const { employee, ...rest } = record;
      return { ...rest, employees: employee };
    }
  }
  return input;
}

/** A company profile as the seed's model and sinks see it. */
export const companySchema = z.preprocess(
  withEmployeeAlias,
  z.object({
    companyID: companyIdSchema,
    ...companyProfileShape,
    /** Churn verdict; `false` until scored. */
    riskOfChurn: z.boolean().default(false),
  }),
);
export type Company = z.infer<typeof companySchema>;

/** The tenant manager's record: a company named by `tenantID` (seed contract). */
export const tenantSchema = z.preprocess(
  withEmployeeAlias,
  z.object({
    tenantID: companyIdSchema,
    ...companyProfileShape,
    riskOfChurn: z.boolean().default(false),
  }),
);
export type Tenant = z.infer<typeof tenantSchema>;

/** Converts the tenant manager's record to a company. */
export function tenantToCompany(tenant: Tenant): Company {
  const { tenantID, ...profile } = tenant;
  return { companyID: tenantID, ...profile };
}

/** Converts a company to the tenant manager's record. */
export function companyToTenant(company: Company): Tenant {
  const { companyID, ...profile } = company;
  return { tenantID: companyID, ...profile };
}

/**
 * A company snapshot on the `companies` stream: a company plus `asOf`, the snapshot time.
 * `asOf` defaults to the record's arrival time when absent (the decoder fills it).
 */
export const companyEventSchema = z.preprocess(
  withEmployeeAlias,
  z.object({
    companyID: companyIdSchema,
    ...companyProfileShape,
    riskOfChurn: z.boolean().default(false),
    asOf: zonedDateTimeSchema.optional(),
  }),
);
export type CompanyEvent = z.infer<typeof companyEventSchema>;
