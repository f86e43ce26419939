import type { Provider } from '@nestjs/common';

import { AppConfig } from '@wechat-desk/shared/config';
import { SecretBox } from '@wechat-desk/shared/util';

import { DOCUMENT_LINK_KEY_PURPOSE, DocumentLinks } from './document-links';

export const documentLinksProvider: Provider = {
  provide: DocumentLinks,
  inject: [SecretBox, AppConfig],
  useFactory: (secretBox: SecretBox, config: AppConfig): DocumentLinks =>
    new DocumentLinks({
      key: secretBox.deriveKey(DOCUMENT_LINK_KEY_PURPOSE),
      baseUrl: config.PUBLIC_FILES_BASE_URL,
      ttlHours: config.DOCUMENT_LINK_TTL_HOURS,
    }),
};
