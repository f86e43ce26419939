import { Inject, Injectable } from '@nestjs/common';

import { CachedChannelDirectory } from '@wechat-desk/shared/channel-directory';
import { signaturesEqual, urlSignature } from '@wechat-desk/wechat/crypto';

export type UrlVerificationOutcome =
  { status: 200; body: string } | { status: 401 | 404; body: string };

/** WeChat's GET check of the callback URL: echo `echostr` exactly, only for a valid signature. */
@Injectable()
export class VerifyCallbackUrl {
  constructor(@Inject(CachedChannelDirectory) private readonly channels: CachedChannelDirectory) {}

  execute(
    channelId: string,
    query: { signature?: string; timestamp?: string; nonce?: string; echostr?: string },
  ): UrlVerificationOutcome {
    const channel = this.channels.get(channelId);
    if (channel === undefined) {
      return { status: 404, body: 'unknown channel' };
    }
    const { signature, timestamp, nonce, echostr } = query;
    if (
      signature === undefined ||
      timestamp === undefined ||
      nonce === undefined ||
      echostr === undefined
    ) {
      return { status: 401, body: 'missing signature' };
    }
    if (!signaturesEqual(urlSignature(channel.secrets.token, timestamp, nonce), signature)) {
      return { status: 401, body: 'bad signature' };
    }
    return { status: 200, body: echostr };
  }
}
