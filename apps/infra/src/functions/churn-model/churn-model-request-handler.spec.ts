import { loadChurnModel, scoreCompany, type ChurnModel } from '@tenant-analytics/churn-model';
import { generateCompanies } from '@tenant-analytics/domain';
import { proxyEventFactory, recordingLogger } from '../../testing/proxy-events';
import { createChurnModelRequestHandler, MAX_CHURN_INSTANCES } from './churn-model-request-handler';

describe('createChurnModelRequestHandler', () => {
  const model = loadChurnModel();
  const [company] = generateCompanies(42, 1);
  if (company === undefined) throw new Error('no company');

  it('scores a seed Company, accepting the employee alias and a base64 body', async () => {
    // prepare
    const handle = createChurnModelRequestHandler({ model, logger: recordingLogger() });
    const { employees, ...aliased } = company;
    const body = Buffer.from(JSON.stringify({ ...aliased, employee: employees })).toString('base64');

    // act
    const response = await handle(proxyEventFactory({ body, isBase64Encoded: true }));

    // assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual(scoreCompany(model, company));
  });

  it('answers a batch in order', async () => {
    // prepare
    const handle = createChurnModelRequestHandler({ model, logger: recordingLogger() });
    const companies = generateCompanies(3, 30);

    // act
    const response = await handle(proxyEventFactory({ body: JSON.stringify({ instances: companies }) }));

    // assess
    expect(JSON.parse(response.body)).toEqual({ predictions: companies.map((entry) => scoreCompany(model, entry)) });
  });

  it.each([
    ['an empty body', null, 400, 'empty'],
    ['malformed JSON', '{', 400, 'not valid JSON'],
    ['a company without revenu', JSON.stringify({ companyID: 'c', industry: 'gov' }), 400, 'revenu'],
    ['an empty batch', JSON.stringify({ instances: [] }), 400, 'invalid batch'],
    ['a batch over the limit', JSON.stringify({ instances: Array.from({ length: MAX_CHURN_INSTANCES + 1 }, () => ({})) }), 413, 'at most 1000'],
  ])('rejects %s with %s naming the problem', async (_name, body, status, message) => {
    // prepare
    const handle = createChurnModelRequestHandler({ model, logger: recordingLogger() });

    // act
    const response = await handle(proxyEventFactory({ body }));

    // assess
    expect(response.statusCode).toBe(status);
    expect((JSON.parse(response.body) as { message: string }).message).toContain(message);
  });

  it('answers 500 and logs when the model fails, never throwing to the runtime', async () => {
    // prepare
    const logger = recordingLogger();
    const broken: ChurnModel = { kind: 'broken', featureNames: model.featureNames, predictProbability: () => { throw new Error('boom'); } };
    const handle = createChurnModelRequestHandler({ model: broken, logger });

    // act
    const response = await handle(proxyEventFactory({ body: JSON.stringify(company) }));

    // assess
    expect(response.statusCode).toBe(500);
    expect(logger.entries).toEqual([{ level: 'error', message: 'churn scoring failed', fields: { error: { name: 'Error', message: 'boom' } } }]);
  });
});
