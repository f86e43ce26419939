import type { DepartmentEntity } from '@wechat-desk/desk/data-access';

export interface DepartmentView {
  id: string;
  name: string;
  createdAt: string;
}

export function presentDepartment(department: DepartmentEntity): DepartmentView {
  return {
    id: department.id,
    name: department.name,
    createdAt: department.createdAt.toISOString(),
  };
}
