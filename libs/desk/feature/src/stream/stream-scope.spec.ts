import { inScope, pairsScope } from './stream-scope';

describe('stream scope', () => {
  const event = { departmentId: 'sales', channelId: 'wx-1' };

  it('lets admins see every event', () => {
    expect(inScope({ kind: 'all' }, event)).toBe(true);
  });

  it('lets an agent see the events of the (department, channel) pairs associated with them', () => {
    const scope = pairsScope([
      { departmentId: 'sales', channelId: 'wx-1' },
      { departmentId: 'support', channelId: 'wx-2' },
    ]);
    expect(inScope(scope, event)).toBe(true);
    expect(inScope(scope, { departmentId: 'support', channelId: 'wx-2' })).toBe(true);
  });

  it('needs the channel and the department to match together', () => {
    const scope = pairsScope([
      { departmentId: 'sales', channelId: 'wx-2' },
      { departmentId: 'support', channelId: 'wx-1' },
    ]);
    expect(inScope(scope, event)).toBe(false);
    expect(inScope(pairsScope([]), event)).toBe(false);
  });
});
