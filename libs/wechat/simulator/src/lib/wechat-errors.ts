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
  invalidMediaType: { errcode: 40004, errmsg: 'invalid media type' },
  invalidFileType: { errcode: 40005, errmsg: 'invalid file type' },
  // WeChat's own spelling.
  invalidMediaSize: { errcode: 40006, errmsg: 'invalid meida size' },
  invalidMediaId: { errcode: 40007, errmsg: 'invalid media_id' },
  invalidMessageType: { errcode: 40008, errmsg: 'invalid message type' },
  invalidAppId: { errcode: 40013, errmsg: 'invalid appid' },
  invalidOpenIdListSize: { errcode: 40032, errmsg: 'invalid openid list size' },
  invalidGroupId: { errcode: 40050, errmsg: 'invalid group id' },
  invalidMsgId: { errcode: 40059, errmsg: 'invalid msg id' },
  invalidAppSecret: { errcode: 40125, errmsg: 'invalid appsecret' },
  openIdListTooShort: { errcode: 40130, errmsg: 'invalid openid list size, at least two openid' },
  accessTokenMissing: { errcode: 41001, errmsg: 'access_token missing' },
  mediaDataMissing: { errcode: 41005, errmsg: 'media data missing' },
  accessTokenExpired: { errcode: 42001, errmsg: 'access_token expired' },
  requireSubscribe: { errcode: 43004, errmsg: 'require subscribe' },
  emptyPostData: { errcode: 44002, errmsg: 'empty post data' },
  contentSizeOutOfLimit: { errcode: 45002, errmsg: 'content size out of limit' },
  articleSizeOutOfLimit: { errcode: 45008, errmsg: 'article size out of limit' },
  responseOutOfTimeLimit: {
    errcode: 45015,
    errmsg: 'response out of time limit or subscription is canceled',
  },
  responseCountLimit: { errcode: 45047, errmsg: 'out of response count limit' },
  tooManyTags: { errcode: 45056, errmsg: 'too many tag now, no need to add new' },
  cannotModifySysTag: { errcode: 45058, errmsg: "can't modify sys tag" },
  tooManyTagsOnUser: { errcode: 45059, errmsg: 'can not tagging one user too much' },
  invalidTagName: { errcode: 45157, errmsg: 'invalid tag name' },
  tagNameTooLong: { errcode: 45158, errmsg: 'tag name too long' },
  invalidTagId: { errcode: 45159, errmsg: 'invalid tag id' },
  dataFormatError: { errcode: 47001, errmsg: 'data format error' },
} as const satisfies Record<string, WechatErrorBody>;

export type WechatErrorName = keyof typeof WECHAT_ERRORS;

export function wechatError(name: WechatErrorName): WechatErrorBody {
  const { errcode, errmsg } = WECHAT_ERRORS[name];
  return { errcode, errmsg };
}
