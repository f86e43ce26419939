import { IsString, Length } from 'class-validator';

import { Trim } from '../../common/transforms';

export class CreateDepartmentDto {
  @Trim()
  @IsString()
  @Length(1, 100)
  name!: string;
}
