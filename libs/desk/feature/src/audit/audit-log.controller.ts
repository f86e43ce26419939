import { Controller, Get, Inject, Query } from '@nestjs/common';

import { Roles } from '../common/auth/auth.decorators';
import { ListAuditLog, ListAuditLogQuery, type AuditPageView } from './list-audit-log';

@Controller('audit-log')
@Roles('admin')
export class AuditLogController {
  constructor(@Inject(ListAuditLog) private readonly listAuditLog: ListAuditLog) {}

  @Get()
  list(@Query() query: ListAuditLogQuery): Promise<AuditPageView> {
    return this.listAuditLog.execute(query);
  }
}
