import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';

import { CurrentAgent, Roles } from '../common/auth/auth.decorators';
import type { AuthenticatedAgent } from '../common/auth/authenticated-agent';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { TicketSettings } from './ticket-settings';
import { TicketSettingsDto, type TicketSettingsView } from './ticket-settings.dto';

const departmentId = new UuidParamPipe('Department');
const channelId = new UuidParamPipe('Channel');

@Controller('departments/:departmentId/channels/:channelId/ticket-settings')
@Roles('admin')
export class TicketSettingsController {
  constructor(@Inject(TicketSettings) private readonly ticketSettings: TicketSettings) {}

  @Get()
  get(
    @Param('departmentId', departmentId) department: string,
    @Param('channelId', channelId) channel: string,
  ): Promise<TicketSettingsView> {
    return this.ticketSettings.get(department, channel);
  }

  @Put()
  set(
    @CurrentAgent() admin: AuthenticatedAgent,
    @Param('departmentId', departmentId) department: string,
    @Param('channelId', channelId) channel: string,
    @Body() body: TicketSettingsDto,
  ): Promise<TicketSettingsView> {
    return this.ticketSettings.set(department, channel, body.conversionTimerMinutes, admin.id);
  }
}
