import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

import { CONVERSION_TIMER_MINUTES } from '@wechat-desk/contracts';

export class TicketSettingsDto {
  @ApiProperty({
    type: 'integer',
    minimum: CONVERSION_TIMER_MINUTES.min,
    maximum: CONVERSION_TIMER_MINUTES.max,
    example: CONVERSION_TIMER_MINUTES.default,
    description: 'How long after the last message a new message opens a new ticket',
  })
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

/** TicketSettingsView for the OpenAPI document (the same fields). */
@ApiSchema({ name: 'TicketSettings' })
export class TicketSettingsViewDoc implements TicketSettingsView {
  @ApiProperty({ format: 'uuid' })
  departmentId!: string;

  @ApiProperty({ format: 'uuid' })
  channelId!: string;

  @ApiProperty({
    type: 'integer',
    minimum: CONVERSION_TIMER_MINUTES.min,
    maximum: CONVERSION_TIMER_MINUTES.max,
  })
  conversionTimerMinutes!: number;

  @ApiProperty({
    description: `false while the default (${CONVERSION_TIMER_MINUTES.default}) applies`,
  })
  customised!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  updatedAt!: string | null;
}
