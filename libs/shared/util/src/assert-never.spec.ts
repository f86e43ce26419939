import { assertNever } from './assert-never';

describe(assertNever.name, () => {
  it('throws with the unexpected value in the message', () => {
    expect(() => assertNever('x' as never)).toThrow('Unexpected value: "x"');
  });
});
