import type { PipeTransform } from '@nestjs/common';

import { DeskErrors } from './desk-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id that is not a UUID names nothing: 404, like an unknown one (and never a SQL error). */
export class UuidParamPipe implements PipeTransform<string, string> {
  constructor(private readonly resource: string) {}

  transform(value: string): string {
    if (!UUID.test(value)) {
      throw DeskErrors.notFound(this.resource, value);
    }
    return value.toLowerCase();
  }
}
