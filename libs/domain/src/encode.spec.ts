import { encodeJobEventCsv, encodeJobEventJson } from './encode';

const text = (data: Uint8Array): string => new TextDecoder().decode(data);

describe('encodeJobEventJson', () => {
  it('writes the seed JSON form in contract order, without absent fields', () => {
    expect(text(encodeJobEventJson({ companyID: 'comp_4', userID: 'user_1', nbJobs: 1 }))).toBe('{"companyID":"comp_4","userID":"user_1","nbJobs":1}');
  });

  it('writes every contract field and nothing else', () => {
    // Prepare
    const decoded = {
      companyID: 'c',
      userID: 'u',
      nbJobs: 2,
      creationDate: '2026-11-25T10:00:00Z',
      eventID: 'e-1',
      sentAt: '2026-11-25T10:00:01Z',
      eventTime: '2026-11-25T10:00:00.000Z',
      format: 'json' as const,
    };

    // Act
    const encoded = JSON.parse(text(encodeJobEventJson(decoded)));

    // Assess
    expect(Object.keys(encoded)).toEqual(['companyID', 'userID', 'nbJobs', 'creationDate', 'eventID', 'sentAt']);
  });
});

describe('encodeJobEventCsv', () => {
  it('writes companyID,userID,nbJobs and the creationDate when present', () => {
    expect(text(encodeJobEventCsv({ companyID: 'comp_4', userID: 'user_1', nbJobs: 1 }))).toBe('comp_4,user_1,1');
    expect(text(encodeJobEventCsv({ companyID: 'comp_4', userID: 'user_1', nbJobs: 1, creationDate: '2026-11-25T10:00:00Z', eventID: 'e' }))).toBe(
      'comp_4,user_1,1,2026-11-25T10:00:00Z',
    );
  });

  it('quotes fields holding commas, quotes, line breaks or edge blanks', () => {
    expect(text(encodeJobEventCsv({ companyID: 'a,b', userID: 'say "hi"', nbJobs: 1, creationDate: ' x' }))).toBe('"a,b","say ""hi""",1," x"');
  });
});
