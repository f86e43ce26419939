import { Inject, Injectable, Logger, type Provider } from '@nestjs/common';

import { AppConfig } from '@wechat-desk/shared/config';
import {
  fetchStableToken,
  WechatApiError,
  WechatHttp,
  WechatUnreachableError,
  type WechatCredentials,
} from '@wechat-desk/wechat/api-client';

import { credentialsRejected, wechatUnreachable } from './credentials-rejection';

/** desk-api only checks credentials: plain HTTP to WeChat, no shared token store. */
export const wechatHttpProvider: Provider = {
  provide: WechatHttp,
  inject: [AppConfig],
  useFactory: (config: AppConfig) => new WechatHttp(config.WECHAT_API_BASE_URL),
};

/** WeChat's "system busy": not about the credentials, so it is reported as WeChat being unavailable. */
const SYSTEM_BUSY = -1;

/**
 * Checks a channel's AppID and AppSecret by asking WeChat for an access token (stable_token,
 * normal mode, so no token in use elsewhere is invalidated). The token is not kept.
 */
@Injectable()
export class CheckWechatCredentials {
  private readonly logger = new Logger(CheckWechatCredentials.name);

  constructor(
    @Inject(WechatHttp) private readonly wechat: WechatHttp,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async execute(credentials: WechatCredentials): Promise<void> {
    try {
      await fetchStableToken(this.wechat, credentials);
    } catch (error) {
      if (error instanceof WechatApiError && error.errcode !== SYSTEM_BUSY) {
        this.logger.log(`WeChat refused the credentials of ${credentials.appId}: ${error.errcode}`);
        throw credentialsRejected(error, this.config.WECHAT_EGRESS_IPS);
      }
      if (error instanceof WechatApiError || error instanceof WechatUnreachableError) {
        this.logger.warn(`Credential check for ${credentials.appId} failed: ${error.message}`);
        throw wechatUnreachable();
      }
      throw error;
    }
  }
}
