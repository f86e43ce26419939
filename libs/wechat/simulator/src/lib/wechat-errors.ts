/** WeChat's JSON answer on every error (always with HTTP 200). */
export interface WechatErrorBody {
  errcode: number;
  errmsg: string;
}

/** The codes the simulator answers, with WeChat's messages. */
export const WECHAT_ERRORS = {
  systemBusy: { errcode: -1, errmsg: 'system error' },
  ok: { errcode: 0, errmsg: 'ok' },
  invalidCredential: {
    errcode: 40001,
    errmsg: 'invalid credential, access_token is invalid or not latest',
  },
  invalidGrantType: { errcode: 40002, errmsg: 'invalid grant_type' },
  invalidOpenId: { errcode: 40003, errmsg: 'invalid openid' },
  invalidMediaId: { errcode: 40007, errmsg: 'invalid media_id' },
  invalidMessageType: { errcode: 40008, errmsg: 'invalid message type' },
  invalidAppId: { errcode: 40013, errmsg: 'invalid appid' },
  invalidAppSecret: { errcode: 40125, errmsg: 'invalid appsecret' },
  accessTokenMissing: { errcode: 41001, errmsg: 'access_token missing' },
  accessTokenExpired: { errcode: 42001, errmsg: 'access_token expired' },
  emptyPostData: { errcode: 44002, errmsg: 'empty post data' },
  contentSizeOutOfLimit: { errcode: 45002, errmsg: 'content size out of limit' },
  articleSizeOutOfLimit: { errcode: 45008, errmsg: 'article size out of limit' },
  dataFormatError: { errcode: 47001, errmsg: 'data format error' },
} as const satisfies Record<string, WechatErrorBody>;

export type WechatErrorName = keyof typeof WECHAT_ERRORS;

export function wechatError(name: WechatErrorName): WechatErrorBody {
  const { errcode, errmsg } = WECHAT_ERRORS[name];
  return { errcode, errmsg };
}
