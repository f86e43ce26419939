/** WeChat's refusals in words an agent understands (protocol.md §6.4). */
const DESCRIPTIONS: Readonly<Record<number, string>> = {
  45015:
    'The reply window is closed: the customer last wrote more than 48 hours ago, or unfollowed.',
  45047: 'WeChat allows no more replies to this customer message.',
  43004: 'The customer does not follow the account.',
  48002: 'The customer turned off messages from this account.',
  40003: 'WeChat does not know this customer for this account.',
  45002: 'The message is too long for WeChat.',
  40007: 'The attached media has expired or is invalid.',
  40013: 'The channel AppID is not valid.',
  40125: 'The channel AppSecret is not valid.',
  40164: 'Our server address is not on the account’s API IP whitelist.',
};

export function describeWechatSendError(errcode: number, errmsg: string): string {
  return DESCRIPTIONS[errcode] ?? `WeChat refused the message (${errcode}: ${errmsg}).`;
}
