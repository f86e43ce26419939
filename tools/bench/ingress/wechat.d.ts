/** The parts of node-webot's `wechat` package (no types of its own) the bench uses. */
declare module 'wechat' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  interface WechatConfig {
    token: string;
    appid: string;
    encodingAESKey: string;
    checkSignature?: boolean;
  }

  type Next = (error?: unknown) => void;

  /** `reply('')` answers 200 with an empty body: WeChat's acknowledgement. */
  interface WechatResponse extends ServerResponse {
    reply(content: unknown): void;
  }

  type Handler = (
    req: IncomingMessage & { weixin: Record<string, unknown> },
    res: WechatResponse,
    next: Next,
  ) => void;

  function wechat(
    config: WechatConfig | string,
    handler: Handler,
  ): (req: IncomingMessage, res: ServerResponse, next: Next) => void;

  export = wechat;
}
