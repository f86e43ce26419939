/** Milliseconds since the epoch; injected so token expiry can be tested without sleeping. */
export type Clock = () => number;

export const SIMULATOR_CLOCK = Symbol('SIMULATOR_CLOCK');

export const systemClock: Clock = () => Date.now();
