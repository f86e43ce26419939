import { nextRoundRobinAgent } from './round-robin';

const A = '10000000-0000-4000-8000-000000000000';
const B = '20000000-0000-4000-8000-000000000000';
const C = '30000000-0000-4000-8000-000000000000';
const active = (id: string) => ({ id, active: true });
const inactive = (id: string) => ({ id, active: false });

describe(nextRoundRobinAgent.name, () => {
  it('starts with the first agent by id when nobody got a ticket yet', () => {
    expect(nextRoundRobinAgent([active(B), active(A), active(C)], null)).toBe(A);
  });

  it('gives the next agent by id after the cursor, and wraps around after the last', () => {
    const agents = [active(A), active(B), active(C)];
    expect(nextRoundRobinAgent(agents, A)).toBe(B);
    expect(nextRoundRobinAgent(agents, B)).toBe(C);
    expect(nextRoundRobinAgent(agents, C)).toBe(A);
  });

  it('takes turns evenly over a run of tickets', () => {
    const agents = [active(A), active(B)];
    let cursor: string | null = null;
    const given: Array<string | null> = [];
    for (let i = 0; i < 5; i += 1) {
      cursor = nextRoundRobinAgent(agents, cursor);
      given.push(cursor);
    }
    expect(given).toEqual([A, B, A, B, A]);
  });

  it('skips inactive agents', () => {
    expect(nextRoundRobinAgent([active(A), inactive(B), active(C)], A)).toBe(C);
    expect(nextRoundRobinAgent([inactive(A), active(B), inactive(C)], B)).toBe(B);
  });

  it('answers null when no agent is eligible', () => {
    expect(nextRoundRobinAgent([], null)).toBeNull();
    expect(nextRoundRobinAgent([inactive(A), inactive(B)], A)).toBeNull();
  });

  it('still finds the next one when the cursor agent was removed from the channel', () => {
    expect(nextRoundRobinAgent([active(A), active(C)], B)).toBe(C);
    expect(nextRoundRobinAgent([active(A), active(B)], C)).toBe(A);
  });
});
