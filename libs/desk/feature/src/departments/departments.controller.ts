import { Body, Controller, Get, Inject, Post } from '@nestjs/common';

import { Roles } from '../common/auth/auth.decorators';
import { CreateDepartment } from './create-department/create-department';
import { CreateDepartmentDto } from './create-department/create-department.dto';
import type { DepartmentView } from './department.view';
import { ListDepartments } from './list-departments/list-departments';

@Controller('departments')
@Roles('admin')
export class DepartmentsController {
  constructor(
    @Inject(CreateDepartment) private readonly createDepartment: CreateDepartment,
    @Inject(ListDepartments) private readonly listDepartments: ListDepartments,
  ) {}

  @Post()
  create(@Body() body: CreateDepartmentDto): Promise<DepartmentView> {
    return this.createDepartment.execute(body.name);
  }

  @Get()
  list(): Promise<{ items: DepartmentView[] }> {
    return this.listDepartments.execute();
  }
}
