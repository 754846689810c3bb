import { apiGatewayBatchResponseSchema, apiGatewayChurnResponseSchema, generateCompanies, sageMakerJsonRequestSchema, toFeatureVector } from '@tenant-analytics/domain';
import { render } from 'velocityjs';
import { CHURN_REQUEST_TEMPLATE, CHURN_RESPONSE_TEMPLATE } from './churn-api-mapping';

/**
 * API Gateway's `$input` for a JSON body: `path('$')` and `path('$.field')` as its mapping templates
 * use them (velocityjs stands in for API Gateway's Velocity engine).
 */
function renderWithBody(template: string, body: Record<string, unknown>): unknown {
  const input = { path: (expression: string) => (expression === '$' ? body : body[expression.replace(/^\$\./, '')]) };
  return JSON.parse(render(template, { input }));
}

describe('CHURN_REQUEST_TEMPLATE', () => {
  it('maps one seed Company to one feature vector in the model order', () => {
    // prepare
    const [company] = generateCompanies(7, 1);
    if (company === undefined) throw new Error('no company');

    // act
    const request = sageMakerJsonRequestSchema.parse(renderWithBody(CHURN_REQUEST_TEMPLATE, { ...company }));

    // assess
    expect(request.instances).toEqual([{ features: toFeatureVector(company) }]);
  });

  it('maps a batch in order, with the employee alias and an unknown industry', () => {
    // prepare
    const [first, ...others] = generateCompanies(11, 5);
    if (first === undefined) throw new Error('no company');
    const { employees, ...aliased } = { ...first, industry: 'mining' };

    // act
    const request = sageMakerJsonRequestSchema.parse(renderWithBody(CHURN_REQUEST_TEMPLATE, { instances: [{ ...aliased, employee: employees }, ...others] }));

    // assess
    expect(request.instances.map((instance) => instance.features)).toEqual([
      toFeatureVector({ ...aliased, employees }),
      ...others.map((company) => toFeatureVector(company)),
    ]);
    expect(request.instances[0]?.features.slice(-9)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('CHURN_RESPONSE_TEMPLATE', () => {
  it('answers both the seed single shape and the batch shape, in order', () => {
    // prepare
    const predictions = [
      { score: 0.91, predicted_label: 1 },
      { score: 0.12, predicted_label: 0 },
    ];

    // act
    const reply = renderWithBody(CHURN_RESPONSE_TEMPLATE, { predictions });

    // assess
    expect(apiGatewayChurnResponseSchema.parse(reply)).toEqual({ churn: true, probability: 0.91 });
    expect(apiGatewayBatchResponseSchema.parse(reply).predictions).toEqual([
      { churn: true, probability: 0.91 },
      { churn: false, probability: 0.12 },
    ]);
  });

  it('renders valid JSON with no verdict for an empty prediction list', () => {
    // act
    const reply = renderWithBody(CHURN_RESPONSE_TEMPLATE, { predictions: [] });

    // assess
    expect(reply).toEqual({ predictions: [] });
  });
});
