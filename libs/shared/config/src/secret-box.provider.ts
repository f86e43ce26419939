import type { Provider } from '@nestjs/common';

import { SecretBox } from '@wechat-desk/shared/util';

import { AppConfig } from './app-config';

/** MASTER_KEY when set (required in production); a fixed development key otherwise. */
export function secretBoxFromConfig(config: AppConfig): SecretBox {
  if (config.MASTER_KEY !== undefined) {
    return SecretBox.fromMasterKey(config.MASTER_KEY);
  }
  if (config.NODE_ENV === 'production') {
    throw new Error('MASTER_KEY is required in production');
  }
  return SecretBox.forDevelopment();
}

export const secretBoxProvider: Provider = {
  provide: SecretBox,
  inject: [AppConfig],
  useFactory: secretBoxFromConfig,
};
