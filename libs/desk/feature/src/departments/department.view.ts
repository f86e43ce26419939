import type { DepartmentEntity } from '@wechat-desk/desk/data-access';

export interface DepartmentView {
  id: string;
  name: string;
  active: boolean;
  createdAt: string;
}

export function presentDepartment(department: DepartmentEntity): DepartmentView {
  return {
    id: department.id,
    name: department.name,
    active: department.active,
    createdAt: department.createdAt.toISOString(),
  };
}

/** What the audit log keeps of a department. */
export function departmentAuditFields(department: DepartmentEntity): Record<string, unknown> {
  return { name: department.name, active: department.active };
}
