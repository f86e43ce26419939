import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

import { Trim } from '../../common/transforms';

export class CreateDepartmentDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Support', description: 'Trimmed; unique' })
  @Trim()
  @IsString()
  @Length(1, 100)
  name!: string;
}
