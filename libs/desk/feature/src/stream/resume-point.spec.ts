import { requestToken } from '../common/auth/auth.guard';
import { resumePoint } from './stream.controller';

describe('stream resume point', () => {
  it('is Last-Event-ID, else ?lastEventId=, else the latest', () => {
    expect(resumePoint('42', { lastEventId: '7' })).toEqual({ kind: 'after', seq: 42 });
    expect(resumePoint(undefined, { lastEventId: '7' })).toEqual({ kind: 'after', seq: 7 });
    expect(resumePoint(undefined, {})).toEqual({ kind: 'latest' });
    expect(resumePoint('', undefined)).toEqual({ kind: 'latest' });
    expect(resumePoint('0', undefined)).toEqual({ kind: 'after', seq: 0 });
  });

  it('is unreadable when it is no seq (the client then gets a reset)', () => {
    for (const value of ['abc', '-1', '1.5', '9'.repeat(20)]) {
      expect(resumePoint(value, undefined)).toEqual({ kind: 'unreadable' });
    }
    expect(resumePoint(undefined, { lastEventId: ['1', '2'] })).toEqual({ kind: 'unreadable' });
  });
});

describe('requestToken', () => {
  const token = 'A'.repeat(43);

  it('reads ?access_token= only where the route accepts it, the header first', () => {
    const byQuery = { headers: {}, query: { access_token: token } };
    expect(requestToken(byQuery, true)).toBe(token);
    expect(requestToken(byQuery, false)).toBeNull();
    const both = { headers: { authorization: `Bearer ${'B'.repeat(43)}` }, query: byQuery.query };
    expect(requestToken(both, true)).toBe('B'.repeat(43));
  });

  it('holds a query token to the header rules', () => {
    expect(requestToken({ headers: {}, query: { access_token: 'short' } }, true)).toBeNull();
    expect(requestToken({ headers: {}, query: { access_token: `${token} x` } }, true)).toBeNull();
    expect(requestToken({ headers: {}, query: { access_token: [token] } }, true)).toBeNull();
  });
});
