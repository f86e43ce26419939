import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In, type Repository } from 'typeorm';

import { DepartmentEntity } from '../entities/department.entity';
import { withConstraintErrors } from '../errors';

export const DEPARTMENT_NAME_UNIQUE = 'departments_name_unique';

export interface NewDepartment {
  id: string;
  name: string;
  createdAt: Date;
}

@Injectable()
export class DepartmentRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  private get repository(): Repository<DepartmentEntity> {
    return this.dataSource.getRepository(DepartmentEntity);
  }

  /** Throws UniqueViolationError(DEPARTMENT_NAME_UNIQUE) when the name is taken (any case). */
  async create(department: NewDepartment): Promise<DepartmentEntity> {
    const entity = this.repository.create(department);
    await withConstraintErrors(() => this.repository.insert(entity));
    return entity;
  }

  list(): Promise<DepartmentEntity[]> {
    return this.repository.find({ order: { name: 'ASC', id: 'ASC' } });
  }

  exists(id: string): Promise<boolean> {
    return this.repository.existsBy({ id });
  }

  /** The ids among `ids` that name no department. */
  async findMissing(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) {
      return [];
    }
    const found = await this.repository.find({ select: { id: true }, where: { id: In([...ids]) } });
    const existing = new Set(found.map((department) => department.id));
    return ids.filter((id) => !existing.has(id));
  }
}
