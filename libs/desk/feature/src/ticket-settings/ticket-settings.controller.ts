import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';

import { CurrentAgent, Roles } from '../common/auth/auth.decorators';
import type { AuthenticatedAgent } from '../common/auth/authenticated-agent';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { ApiAdminOnly, ApiDeskErrors } from '../openapi/api-errors';
import { TicketSettings } from './ticket-settings';
import {
  TicketSettingsDto,
  TicketSettingsViewDoc,
  type TicketSettingsView,
} from './ticket-settings.dto';

const departmentId = new UuidParamPipe('Department');
const channelId = new UuidParamPipe('Channel');

@Controller('departments/:departmentId/channels/:channelId/ticket-settings')
@Roles('admin')
@ApiAdminOnly()
@ApiDeskErrors([404, 'NOT_FOUND: no such department, or no such channel in it'])
export class TicketSettingsController {
  constructor(@Inject(TicketSettings) private readonly ticketSettings: TicketSettings) {}

  @Get()
  @ApiOkResponse({ type: TicketSettingsViewDoc })
  get(
    @Param('departmentId', departmentId) department: string,
    @Param('channelId', channelId) channel: string,
  ): Promise<TicketSettingsView> {
    return this.ticketSettings.get(department, channel);
  }

  @Put()
  @ApiOkResponse({ type: TicketSettingsViewDoc })
  @ApiDeskErrors([422, 'VALIDATION_FAILED: not a whole number of minutes from 1 to 43,200'])
  set(
    @CurrentAgent() admin: AuthenticatedAgent,
    @Param('departmentId', departmentId) department: string,
    @Param('channelId', channelId) channel: string,
    @Body() body: TicketSettingsDto,
  ): Promise<TicketSettingsView> {
    return this.ticketSettings.set(department, channel, body.conversionTimerMinutes, admin.id);
  }
}
