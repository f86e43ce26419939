import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';

import { ASSIGNMENT_MODES, type AssignmentMode } from '@wechat-desk/desk/data-access';

import { Trim } from '../../common/transforms';

export const ASSIGNMENT_MODE_DESCRIPTION =
  'round-robin: each new ticket goes to the next active agent associated with its channel; ' +
  'unassigned: new tickets wait for someone to take them';

export class CreateDepartmentDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Support', description: 'Trimmed; unique' })
  @Trim()
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({
    enum: ASSIGNMENT_MODES,
    default: 'round-robin',
    description: ASSIGNMENT_MODE_DESCRIPTION,
  })
  @IsOptional()
  @IsIn(ASSIGNMENT_MODES)
  assignmentMode?: AssignmentMode;
}
