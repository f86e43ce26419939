import type { ArgumentsHost } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';

import { DeskErrors } from './desk-error';
import { ErrorResponseFilter } from './error-response.filter';

function hostOf(type: 'http', response: object = {}): ArgumentsHost {
  return {
    getType: () => type,
    switchToHttp: () => ({
      getResponse: () => response,
      getRequest: () => ({ method: 'GET', url: '/x' }),
    }),
  } as unknown as ArgumentsHost;
}

describe(ErrorResponseFilter.name, () => {
  it('replies to HTTP requests with the error body and status', () => {
    const reply = jest.fn();
    const filter = new ErrorResponseFilter({
      httpAdapter: { reply },
    } as unknown as HttpAdapterHost);
    const response = {};
    filter.catch(DeskErrors.notFound('Ticket', 't1'), hostOf('http', response));
    expect(reply).toHaveBeenCalledWith(
      response,
      {
        error: {
          code: 'NOT_FOUND',
          message: 'Ticket t1 does not exist',
          details: { resource: 'Ticket', id: 't1' },
        },
      },
      404,
    );
  });
});
