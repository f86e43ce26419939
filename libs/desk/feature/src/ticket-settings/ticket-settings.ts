import { Inject, Injectable } from '@nestjs/common';

import { CONVERSION_TIMER_MINUTES, createEnvelope, RoutingKeys } from '@wechat-desk/contracts';
import { ChannelRepository, TicketSettingsRepository } from '@wechat-desk/desk/data-access';

import { DeskErrors } from '../common/desk-error';
import type { TicketSettingsView } from './ticket-settings.dto';

/** The conversion timer of a department's channel: read it, or set it and tell ticketing. */
@Injectable()
export class TicketSettings {
  constructor(
    @Inject(ChannelRepository) private readonly channels: ChannelRepository,
    @Inject(TicketSettingsRepository) private readonly settings: TicketSettingsRepository,
  ) {}

  async get(departmentId: string, channelId: string): Promise<TicketSettingsView> {
    await this.requireChannelOfDepartment(departmentId, channelId);
    const stored = await this.settings.find(departmentId, channelId);
    return {
      departmentId,
      channelId,
      conversionTimerMinutes: stored?.conversionTimerMinutes ?? CONVERSION_TIMER_MINUTES.default,
      customised: stored !== null,
      updatedAt: stored?.updatedAt.toISOString() ?? null,
    };
  }

  async set(
    departmentId: string,
    channelId: string,
    conversionTimerMinutes: number,
    adminId: string,
  ): Promise<TicketSettingsView> {
    await this.requireChannelOfDepartment(departmentId, channelId);
    const stored = await this.settings.save(
      { departmentId, channelId, conversionTimerMinutes, updatedBy: adminId },
      (record) => [
        createEnvelope(RoutingKeys.ticketSettingsUpdated, {
          departmentId,
          channelId,
          conversionTimerMinutes: record.conversionTimerMinutes,
          version: record.version,
        }),
      ],
    );
    return {
      departmentId,
      channelId,
      conversionTimerMinutes: stored.conversionTimerMinutes,
      customised: true,
      updatedAt: stored.updatedAt.toISOString(),
    };
  }

  /** A channel of another department is as unknown here as a missing one. */
  private async requireChannelOfDepartment(departmentId: string, channelId: string): Promise<void> {
    const channel = await this.channels.findById(channelId);
    if (channel === null || channel.departmentId !== departmentId) {
      throw DeskErrors.notFound('Channel', channelId);
    }
  }
}
