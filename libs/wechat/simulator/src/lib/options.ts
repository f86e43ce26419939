import type { SimAccountInput } from './accounts';
import { parseSimAccountsEnv } from './accounts';
import type { Clock } from './clock';

export interface WechatSimulatorOptions {
  /** Accounts known from the start (e.g. from `WECHAT_SIM_ACCOUNTS`). */
  accounts?: SimAccountInput[];
  /** Defaults to the system clock. */
  clock?: Clock;
  /** Oldest recorded calls are dropped beyond this, so a long-running simulator stays bounded. */
  maxRecordedCalls?: number;
}

export const SIMULATOR_OPTIONS = Symbol('SIMULATOR_OPTIONS');

export const DEFAULT_MAX_RECORDED_CALLS = 10_000;

/** Reads `WECHAT_SIM_ACCOUNTS` (`wxAPPID:SECRET[:gh_ID],…`). */
export function simulatorOptionsFromEnv(env: NodeJS.ProcessEnv): WechatSimulatorOptions {
  return { accounts: parseSimAccountsEnv(env['WECHAT_SIM_ACCOUNTS']) };
}
