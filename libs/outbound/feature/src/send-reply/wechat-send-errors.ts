/** What a WeChat refusal of a send means for the reply, the counters and the agent. */
export interface SendRefusal {
  /** Stable code on the outbound message. */
  code: string;
  /** The reason in words, for the agent. */
  message: string;
  /** WeChat says the window is closed or its slots are used up: close it in our books. */
  closesWindow: boolean;
  /** WeChat did not send and may accept it later (busy, rate limited): try again later. */
  retryLater: boolean;
}

const REFUSALS: Readonly<Record<number, Omit<SendRefusal, 'retryLater'>>> = {
  45015: {
    code: 'REPLY_WINDOW_CLOSED',
    message:
      'WeChat refused it: the reply window is closed (the customer last wrote too long ago, or unfollowed). Until the customer writes again, only the monthly messages can reach them.',
    closesWindow: true,
  },
  45047: {
    code: 'WINDOW_SEND_LIMIT_REACHED',
    message:
      'WeChat refused it: no more replies are allowed to this customer message. The window opens again when the customer writes; until then only the monthly messages can reach them.',
    closesWindow: true,
  },
  43004: {
    code: 'CUSTOMER_NOT_FOLLOWING',
    message: 'WeChat refused it: the customer does not follow the account (any more).',
    closesWindow: false,
  },
  48002: {
    code: 'CUSTOMER_BLOCKED_MESSAGES',
    message: 'WeChat refused it: the customer turned off messages from this account.',
    closesWindow: false,
  },
  40003: {
    code: 'UNKNOWN_CUSTOMER',
    message: 'WeChat refused it: it does not know this customer (OpenID) for this account.',
    closesWindow: false,
  },
  45002: {
    code: 'CONTENT_TOO_LONG',
    message: 'WeChat refused it: the message is too long. Shorten it or split it.',
    closesWindow: false,
  },
  40007: {
    code: 'MEDIA_EXPIRED',
    message: 'WeChat refused it: the attached media expired or is invalid. Attach the file again.',
    closesWindow: false,
  },
  40004: {
    code: 'UNSUPPORTED_MEDIA',
    message: 'WeChat refused the file: this media type is not accepted.',
    closesWindow: false,
  },
  40005: {
    code: 'UNSUPPORTED_MEDIA',
    message: 'WeChat refused the file: this file format is not accepted.',
    closesWindow: false,
  },
  40006: {
    code: 'MEDIA_TOO_LARGE',
    message: 'WeChat refused the file: it is too large.',
    closesWindow: false,
  },
  40013: {
    code: 'CHANNEL_MISCONFIGURED',
    message: "WeChat refused it: the channel's AppID is not valid.",
    closesWindow: false,
  },
  40125: {
    code: 'CHANNEL_MISCONFIGURED',
    message: "WeChat refused it: the channel's AppSecret is not valid (was it reset?).",
    closesWindow: false,
  },
  40164: {
    code: 'CHANNEL_MISCONFIGURED',
    message: "WeChat refused it: our server address is not on the account's API IP whitelist.",
    closesWindow: false,
  },
  48001: {
    code: 'CHANNEL_MISCONFIGURED',
    message: 'WeChat refused it: the account is not allowed to use this API (is it verified?).',
    closesWindow: false,
  },
};

/** -1 system busy, 45009 daily quota, 45011 frequency limit: nothing was sent. */
const TRY_LATER: ReadonlySet<number> = new Set([-1, 45009, 45011]);

/** WeChat's answer to a send (protocol.md §5.3, §6.4) as a failure of the reply. */
export function classifySendRefusal(errcode: number, errmsg: string): SendRefusal {
  if (TRY_LATER.has(errcode)) {
    return {
      code: 'WECHAT_BUSY',
      message: `WeChat is busy or rate limited (${errcode}); the message was not sent.`,
      closesWindow: false,
      retryLater: true,
    };
  }
  const known = REFUSALS[errcode];
  if (known !== undefined) {
    return { ...known, retryLater: false };
  }
  return {
    code: 'WECHAT_REFUSED',
    message: `WeChat refused the message (${errcode}: ${errmsg}).`,
    closesWindow: false,
    retryLater: false,
  };
}
