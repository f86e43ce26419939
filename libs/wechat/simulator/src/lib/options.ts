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
  /** How long a mass-send job takes before it finishes (and MASSSENDJOBFINISH is pushed). */
  massSendJobDelayMs?: number;
}

export const SIMULATOR_OPTIONS = Symbol('SIMULATOR_OPTIONS');

export const DEFAULT_MAX_RECORDED_CALLS = 10_000;
export const DEFAULT_MASS_JOB_DELAY_MS = 200;

/**
 * Reads `WECHAT_SIM_ACCOUNTS` (`wxAPPID:SECRET[:gh_ID],…`) and `WECHAT_SIM_MASS_JOB_DELAY_MS`.
 * Throws on a malformed value so a typo fails at start-up.
 */
export function simulatorOptionsFromEnv(env: NodeJS.ProcessEnv): WechatSimulatorOptions {
  const delay = env['WECHAT_SIM_MASS_JOB_DELAY_MS'];
  const options: WechatSimulatorOptions = {
    accounts: parseSimAccountsEnv(env['WECHAT_SIM_ACCOUNTS']),
  };
  if (delay !== undefined && delay !== '') {
    const ms = Number(delay);
    if (!Number.isInteger(ms) || ms < 0 || ms > 600_000) {
      throw new Error(
        `WECHAT_SIM_MASS_JOB_DELAY_MS must be 0–600000 ms, got ${JSON.stringify(delay)}`,
      );
    }
    options.massSendJobDelayMs = ms;
  }
  return options;
}
