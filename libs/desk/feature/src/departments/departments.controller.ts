import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Patch,
  Post,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';

import { CurrentAgent, Roles } from '../common/auth/auth.decorators';
import type { AuthenticatedAgent } from '../common/auth/authenticated-agent';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { ApiAdminOnly, ApiDeskErrors } from '../openapi/api-errors';
import { CreateDepartment } from './create-department/create-department';
import { CreateDepartmentDto } from './create-department/create-department.dto';
import { DepartmentDoc, DepartmentListDoc, type DepartmentView } from './department.view';
import { ListDepartments } from './list-departments/list-departments';
import { UpdateDepartment } from './update-department/update-department';
import { UpdateDepartmentDto } from './update-department/update-department.dto';

const departmentId = new UuidParamPipe('Department');

@Controller('departments')
@Roles('admin')
@ApiAdminOnly()
export class DepartmentsController {
  constructor(
    @Inject(CreateDepartment) private readonly createDepartment: CreateDepartment,
    @Inject(ListDepartments) private readonly listDepartments: ListDepartments,
    @Inject(UpdateDepartment) private readonly updateDepartment: UpdateDepartment,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: DepartmentDoc })
  @ApiDeskErrors([409, 'DUPLICATE_DEPARTMENT_NAME: another department has this name'], 422)
  create(
    @CurrentAgent() actor: AuthenticatedAgent,
    @Body() body: CreateDepartmentDto,
  ): Promise<DepartmentView> {
    return this.createDepartment.execute(actor.id, body.name, body.assignmentMode);
  }

  @Get()
  @ApiOkResponse({ type: DepartmentListDoc })
  list(): Promise<{ items: DepartmentView[] }> {
    return this.listDepartments.execute();
  }

  /** `{name?, assignmentMode?}`: at least one. */
  @Patch(':id')
  @ApiOkResponse({ type: DepartmentDoc })
  @ApiDeskErrors(404, [409, 'DUPLICATE_DEPARTMENT_NAME: another department has this name'], 422)
  update(
    @CurrentAgent() actor: AuthenticatedAgent,
    @Param('id', departmentId) id: string,
    @Body() body: UpdateDepartmentDto,
  ): Promise<DepartmentView> {
    return this.updateDepartment.update(actor.id, id, body);
  }

  @Post(':id/deactivate')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: DepartmentDoc })
  @ApiDeskErrors(404)
  deactivate(
    @CurrentAgent() actor: AuthenticatedAgent,
    @Param('id', departmentId) id: string,
  ): Promise<DepartmentView> {
    return this.updateDepartment.setActive(actor.id, id, false);
  }

  @Post(':id/activate')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: DepartmentDoc })
  @ApiDeskErrors(404)
  activate(
    @CurrentAgent() actor: AuthenticatedAgent,
    @Param('id', departmentId) id: string,
  ): Promise<DepartmentView> {
    return this.updateDepartment.setActive(actor.id, id, true);
  }
}
