import { Inject, Injectable } from '@nestjs/common';

import {
  DEPARTMENT_NAME_UNIQUE,
  DepartmentRepository,
  UniqueViolationError,
  type DepartmentPatch,
} from '@wechat-desk/desk/data-access';

import { AuditLog } from '../../audit/audit-log';
import { DeskErrors } from '../../common/desk-error';
import { duplicateDepartmentName } from '../department-errors';
import { departmentAuditFields, presentDepartment, type DepartmentView } from '../department.view';

/**
 * Rename, change the assignment mode, deactivate or activate a department; history (tickets,
 * memberships) stays.
 */
@Injectable()
export class UpdateDepartment {
  constructor(
    @Inject(DepartmentRepository) private readonly departments: DepartmentRepository,
    @Inject(AuditLog) private readonly auditLog: AuditLog,
  ) {}

  /** Renames and/or changes the assignment mode; at least one of them. */
  update(
    actorId: string,
    id: string,
    patch: Pick<DepartmentPatch, 'name' | 'assignmentMode'>,
  ): Promise<DepartmentView> {
    if (patch.name === undefined && patch.assignmentMode === undefined) {
      throw DeskErrors.validationFailed({ body: ['Give name, assignmentMode or both'] });
    }
    return this.apply(
      actorId,
      id,
      { name: patch.name, assignmentMode: patch.assignmentMode },
      'department.updated',
    );
  }

  setActive(actorId: string, id: string, active: boolean): Promise<DepartmentView> {
    return this.apply(
      actorId,
      id,
      { active },
      active ? 'department.activated' : 'department.deactivated',
    );
  }

  private async apply(
    actorId: string,
    id: string,
    patch: DepartmentPatch,
    action: string,
  ): Promise<DepartmentView> {
    try {
      const change = await this.departments.update(id, patch, (manager, { before, after }) =>
        this.auditLog.record(manager, {
          actorId,
          action,
          targetType: 'department',
          targetId: id,
          before: departmentAuditFields(before),
          after: departmentAuditFields(after),
        }),
      );
      if (change === null) {
        throw DeskErrors.notFound('Department', id);
      }
      return presentDepartment(change.after);
    } catch (error) {
      if (error instanceof UniqueViolationError && error.constraint === DEPARTMENT_NAME_UNIQUE) {
        throw duplicateDepartmentName(patch.name ?? '');
      }
      throw error;
    }
  }
}
