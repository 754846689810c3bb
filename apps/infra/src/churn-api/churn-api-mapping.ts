import { KNOWN_INDUSTRIES, NUMERIC_FEATURES } from '@tenant-analytics/domain';
import { JsonSchemaType, JsonSchemaVersion, type JsonSchema } from 'aws-cdk-lib/aws-apigateway';

/** Most companies one batch request may carry (a SageMaker invocation payload stays well under 6 MB). */
export const MAX_INSTANCES_PER_REQUEST = 1000;

const nonNegativeNumber: JsonSchema = { type: JsonSchemaType.NUMBER, minimum: 0 };
const count: JsonSchema = { type: JsonSchemaType.INTEGER, minimum: 0 };

/** The seed's Company as far as the model reads it; `employee` is the seed scoring Lambda's alias. */
const companyJsonSchema: JsonSchema = {
  type: JsonSchemaType.OBJECT,
  required: ['industry', 'revenu', 'job30', 'job90', 'monthlyFee', 'totalFee'],
  properties: {
    industry: { type: JsonSchemaType.STRING, minLength: 1, maxLength: 64 },
    revenu: nonNegativeNumber,
    employees: count,
    employee: count,
    job30: count,
    job90: count,
    monthlyFee: nonNegativeNumber,
    totalFee: nonNegativeNumber,
  },
  anyOf: [{ required: ['employees'] }, { required: ['employee'] }],
};

/**
 * Request body model of `POST /assessChurn` (ARCHITECTURE.md §2): a Company (seed) or
 * `{"instances":[Company…]}` (batch extension). API Gateway rejects anything else with 400 before
 * the mapping template runs, so the template only ever sees numbers where it writes numbers.
 */
export const CHURN_REQUEST_JSON_SCHEMA: JsonSchema = {
  schema: JsonSchemaVersion.DRAFT4,
  title: 'ChurnRequest',
  anyOf: [
    companyJsonSchema,
    {
      type: JsonSchemaType.OBJECT,
      required: ['instances'],
      properties: {
        instances: { type: JsonSchemaType.ARRAY, minItems: 1, maxItems: MAX_INSTANCES_PER_REQUEST, items: companyJsonSchema },
      },
    },
  ],
};

function numericFeature(name: (typeof NUMERIC_FEATURES)[number]): string {
  return name === 'employees' ? '#if("$!c.employees" != "")$c.employees#{else}$c.employee#end' : `$c.${name}`;
}

/**
 * Integration request template (VTL): turns a Company or a batch into the Linear Learner JSON request
 * `{"instances":[{"features":[…]}]}`, features in the model's order (ARCHITECTURE.md §2, generated
 * from the domain's `NUMERIC_FEATURES` and `KNOWN_INDUSTRIES`; an unknown industry is all zeros).
 */
export const CHURN_REQUEST_TEMPLATE = [
  "#set($body = $input.path('$'))",
  '#if($body.instances)#set($companies = $body.instances)#else#set($companies = [$body])#end',
  `#set($industries = [${KNOWN_INDUSTRIES.map((industry) => `"${industry}"`).join(',')}])`,
  '{"instances":[#foreach($c in $companies){"features":[' +
    NUMERIC_FEATURES.map(numericFeature).join(',') +
    '#foreach($industry in $industries),#if($c.industry == $industry)1#{else}0#end#end]}#if($foreach.hasNext),#end#end]}',
].join('\n');

function verdict(prediction: string): string {
  return `"churn":#if(${prediction}.predicted_label == 1)true#{else}false#end,"probability":${prediction}.score`;
}

/**
 * Integration response template (VTL): turns the Linear Learner reply
 * `{"predictions":[{"score","predicted_label"}]}` into `{"churn","probability","predictions":[…]}`.
 * A response template cannot see the request, so every reply carries both shapes: the seed's single
 * verdict (the first prediction) and the batch extension's `predictions`, in request order.
 */
export const CHURN_RESPONSE_TEMPLATE = [
  "#set($predictions = $input.path('$.predictions'))",
  `{#foreach($p in $predictions)#if($foreach.count == 1)${verdict('$p')},#end#end` +
    `"predictions":[#foreach($p in $predictions){${verdict('$p')}}#if($foreach.hasNext),#end#end]}`,
].join('\n');
