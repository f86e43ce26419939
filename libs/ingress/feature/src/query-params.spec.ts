import { singleStrings } from './query-params';

describe(singleStrings.name, () => {
  it('keeps the named single-string parameters and drops repeated or unnamed ones', () => {
    expect(
      singleStrings({ signature: 'abc', nonce: ['1', '2'], echostr: 'x', other: 'y' }, [
        'signature',
        'nonce',
        'timestamp',
      ]),
    ).toEqual({ signature: 'abc' });
  });
});
