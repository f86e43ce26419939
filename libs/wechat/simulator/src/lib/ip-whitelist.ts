import type { WechatErrorBody } from './wechat-errors';

/** An IPv4 address as a caller sees it, or an IPv6 one; `::ffff:a.b.c.d` counts as `a.b.c.d`. */
export function normalizeIp(ip: string): string {
  const trimmed = ip.trim().toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(trimmed);
  return mapped?.[1] ?? trimmed;
}

/** True when the whitelist is empty (no restriction) or holds the caller's address. */
export function ipAllowed(whitelist: readonly string[], callerIp: string): boolean {
  if (whitelist.length === 0) {
    return true;
  }
  const caller = normalizeIp(callerIp);
  return whitelist.some((entry) => normalizeIp(entry) === caller);
}

/** WeChat's 40164, naming the address it saw: `invalid ip 1.2.3.4 ipv6 ::ffff:1.2.3.4, not in whitelist`. */
export function ipNotWhitelisted(callerIp: string): WechatErrorBody {
  const ip = normalizeIp(callerIp);
  const ipv6 = ip.includes(':') ? ip : `::ffff:${ip}`;
  return { errcode: 40164, errmsg: `invalid ip ${ip} ipv6 ${ipv6}, not in whitelist` };
}

export type WhitelistValidation = { ok: true; ips: string[] } | { ok: false; problem: string };

const IP_PATTERN = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*)$/;

/** `["1.2.3.4", "::1"]`, at most 200 entries (WeChat's own limit is of that order). */
export function validateIpWhitelist(value: unknown): WhitelistValidation {
  if (!Array.isArray(value) || value.length > 200) {
    return { ok: false, problem: 'must be an array of at most 200 IP addresses' };
  }
  const ips: string[] = [];
  for (const entry of value as unknown[]) {
    if (typeof entry !== 'string' || !IP_PATTERN.test(entry.trim())) {
      return { ok: false, problem: `not an IP address: ${JSON.stringify(entry)}` };
    }
    ips.push(normalizeIp(entry));
  }
  return { ok: true, ips: [...new Set(ips)] };
}
