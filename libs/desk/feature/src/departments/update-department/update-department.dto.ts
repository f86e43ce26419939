import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';

import { ASSIGNMENT_MODES, type AssignmentMode } from '@wechat-desk/desk/data-access';

import { Trim } from '../../common/transforms';
import { ASSIGNMENT_MODE_DESCRIPTION } from '../create-department/create-department.dto';

/** At least one field. */
export class UpdateDepartmentDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100, description: 'Trimmed; unique' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ enum: ASSIGNMENT_MODES, description: ASSIGNMENT_MODE_DESCRIPTION })
  @IsOptional()
  @IsIn(ASSIGNMENT_MODES)
  assignmentMode?: AssignmentMode;
}
