import { ApiProperty, ApiSchema } from '@nestjs/swagger';

import {
  ASSIGNMENT_MODES,
  type AssignmentMode,
  type DepartmentEntity,
} from '@wechat-desk/desk/data-access';

export interface DepartmentView {
  id: string;
  name: string;
  active: boolean;
  assignmentMode: AssignmentMode;
  createdAt: string;
}

/** DepartmentView for the OpenAPI document (the same fields). */
@ApiSchema({ name: 'Department' })
export class DepartmentDoc implements DepartmentView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'Support' })
  name!: string;

  @ApiProperty({ description: 'false once deactivated' })
  active!: boolean;

  @ApiProperty({
    enum: ASSIGNMENT_MODES,
    description: 'round-robin: new tickets go to the next active agent of their channel in turn',
  })
  assignmentMode!: AssignmentMode;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

@ApiSchema({ name: 'DepartmentList' })
export class DepartmentListDoc {
  @ApiProperty({ type: () => [DepartmentDoc] })
  items!: DepartmentDoc[];
}

export function presentDepartment(department: DepartmentEntity): DepartmentView {
  return {
    id: department.id,
    name: department.name,
    active: department.active,
    assignmentMode: department.assignmentMode,
    createdAt: department.createdAt.toISOString(),
  };
}

/** What the audit log keeps of a department. */
export function departmentAuditFields(department: DepartmentEntity): Record<string, unknown> {
  return {
    name: department.name,
    active: department.active,
    assignmentMode: department.assignmentMode,
  };
}
