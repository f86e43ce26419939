/** The WeChat API paths the simulator implements. */
export const WECHAT_PATHS = {
  stableToken: '/cgi-bin/stable_token',
  token: '/cgi-bin/token',
  customSend: '/cgi-bin/message/custom/send',
  mediaGet: '/cgi-bin/media/get',
} as const;
