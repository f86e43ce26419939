import { randomUUID } from 'node:crypto';

import { HttpStatus, Inject, Injectable } from '@nestjs/common';

import {
  DEPARTMENT_NAME_UNIQUE,
  DepartmentRepository,
  UniqueViolationError,
} from '@wechat-desk/desk/data-access';

import { DeskError } from '../../common/desk-error';
import { presentDepartment, type DepartmentView } from '../department.view';

@Injectable()
export class CreateDepartment {
  constructor(@Inject(DepartmentRepository) private readonly departments: DepartmentRepository) {}

  async execute(name: string): Promise<DepartmentView> {
    try {
      const department = await this.departments.create({
        id: randomUUID(),
        name,
        createdAt: new Date(),
      });
      return presentDepartment(department);
    } catch (error) {
      if (error instanceof UniqueViolationError && error.constraint === DEPARTMENT_NAME_UNIQUE) {
        throw new DeskError(
          HttpStatus.CONFLICT,
          'DUPLICATE_DEPARTMENT_NAME',
          `A department named "${name}" exists`,
          {
            name,
          },
        );
      }
      throw error;
    }
  }
}
