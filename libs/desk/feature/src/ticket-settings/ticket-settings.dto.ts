import { IsInt, Max, Min } from 'class-validator';

import { CONVERSION_TIMER_MINUTES } from '@wechat-desk/contracts';

export class TicketSettingsDto {
  @IsInt({ message: 'conversionTimerMinutes must be a whole number of minutes' })
  @Min(CONVERSION_TIMER_MINUTES.min, {
    message: `conversionTimerMinutes must be at least ${CONVERSION_TIMER_MINUTES.min}`,
  })
  @Max(CONVERSION_TIMER_MINUTES.max, {
    message: `conversionTimerMinutes must be at most ${CONVERSION_TIMER_MINUTES.max} (30 days)`,
  })
  conversionTimerMinutes!: number;
}

export interface TicketSettingsView {
  departmentId: string;
  channelId: string;
  conversionTimerMinutes: number;
  /** false while the default applies (nothing was set yet). */
  customised: boolean;
  updatedAt: string | null;
}
