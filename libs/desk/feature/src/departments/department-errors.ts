import { HttpStatus } from '@nestjs/common';

import { DeskError } from '../common/desk-error';

export const duplicateDepartmentName = (name: string): DeskError =>
  new DeskError(
    HttpStatus.CONFLICT,
    'DUPLICATE_DEPARTMENT_NAME',
    `A department named "${name}" exists`,
    {
      name,
    },
  );
