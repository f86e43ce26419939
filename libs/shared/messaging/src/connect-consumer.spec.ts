import type { ArgumentsHost } from '@nestjs/common';
import { lastValueFrom } from 'rxjs';

import { RethrowHandlerErrorsFilter } from './connect-consumer';
import { NonRetryableError } from './errors';

describe(RethrowHandlerErrorsFilter.name, () => {
  it('hands a handler error to the transport untouched, so NonRetryableError still dead-letters', async () => {
    const error = new NonRetryableError('bad message');
    const result = new RethrowHandlerErrorsFilter().catch(error, {} as ArgumentsHost);
    await expect(lastValueFrom(result)).rejects.toBe(error);
  });
});
