import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';

import type { TypingSignal } from './send-typing';

export class SendTypingDto {
  @ApiProperty({ description: 'true: the agent is typing; false: stopped' })
  @IsBoolean()
  typing!: boolean;
}

@ApiSchema({ name: 'TypingSignal' })
export class TypingSignalDoc implements TypingSignal {
  @ApiProperty({
    description: 'false when WeChat is not asked (the indicator is still showing from before)',
  })
  sent!: boolean;
}
