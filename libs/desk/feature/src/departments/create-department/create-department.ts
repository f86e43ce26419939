import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';

import {
  DEPARTMENT_NAME_UNIQUE,
  DepartmentRepository,
  UniqueViolationError,
  type AssignmentMode,
} from '@wechat-desk/desk/data-access';

import { AuditLog } from '../../audit/audit-log';
import { duplicateDepartmentName } from '../department-errors';
import { departmentAuditFields, presentDepartment, type DepartmentView } from '../department.view';

@Injectable()
export class CreateDepartment {
  constructor(
    @Inject(DepartmentRepository) private readonly departments: DepartmentRepository,
    @Inject(AuditLog) private readonly auditLog: AuditLog,
  ) {}

  async execute(
    actorId: string,
    name: string,
    assignmentMode: AssignmentMode = 'round-robin',
  ): Promise<DepartmentView> {
    try {
      const department = await this.departments.create(
        { id: randomUUID(), name, assignmentMode, createdAt: new Date() },
        (manager, created) =>
          this.auditLog.record(manager, {
            actorId,
            action: 'department.created',
            targetType: 'department',
            targetId: created.id,
            after: departmentAuditFields(created),
          }),
      );
      return presentDepartment(department);
    } catch (error) {
      if (error instanceof UniqueViolationError && error.constraint === DEPARTMENT_NAME_UNIQUE) {
        throw duplicateDepartmentName(name);
      }
      throw error;
    }
  }
}
