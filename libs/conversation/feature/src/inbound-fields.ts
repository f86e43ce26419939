import type { WechatPushHeader } from '@wechat-desk/contracts';

const HEADER_FIELDS: ReadonlySet<string> = new Set<keyof WechatPushHeader>([
  'channelId',
  'openId',
  'originalId',
  'createTime',
]);

/** The typed payload without the header the row already has in its own columns (for `fields`). */
export function payloadFields(payload: WechatPushHeader): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(payload).filter(
      ([name, value]) => !HEADER_FIELDS.has(name) && value !== undefined,
    ),
  );
}
