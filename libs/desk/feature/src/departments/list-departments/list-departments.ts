import { Inject, Injectable } from '@nestjs/common';

import { DepartmentRepository } from '@wechat-desk/desk/data-access';

import { presentDepartment, type DepartmentView } from '../department.view';

@Injectable()
export class ListDepartments {
  constructor(@Inject(DepartmentRepository) private readonly departments: DepartmentRepository) {}

  async execute(): Promise<{ items: DepartmentView[] }> {
    const departments = await this.departments.list();
    return { items: departments.map(presentDepartment) };
  }
}
