import { IsInt, IsUUID, Max, Min } from 'class-validator';

export const CONVERSION_TIMER_MINUTES = { min: 1, max: 43_200, default: 1_440 } as const;

/** The conversion timer of one department and channel; `version` orders the changes. */
export class TicketSettingsUpdatedV1 {
  @IsUUID()
  departmentId!: string;

  @IsUUID()
  channelId!: string;

  @IsInt()
  @Min(CONVERSION_TIMER_MINUTES.min)
  @Max(CONVERSION_TIMER_MINUTES.max)
  conversionTimerMinutes!: number;

  @IsInt()
  @Min(1)
  version!: number;
}
