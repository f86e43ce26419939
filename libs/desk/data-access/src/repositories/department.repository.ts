import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager, type Repository } from 'typeorm';

import { DepartmentEntity, type AssignmentMode } from '../entities/department.entity';
import { withConstraintErrors } from '../errors';
import type { Change, TransactionHook } from './transaction-hook';

export const DEPARTMENT_NAME_UNIQUE = 'departments_name_unique';

export interface NewDepartment {
  id: string;
  name: string;
  assignmentMode: AssignmentMode;
  createdAt: Date;
}

export interface DepartmentPatch {
  name?: string | undefined;
  active?: boolean | undefined;
  assignmentMode?: AssignmentMode | undefined;
}

const noHook = (): Promise<void> => Promise.resolve();

@Injectable()
export class DepartmentRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  private get repository(): Repository<DepartmentEntity> {
    return this.dataSource.getRepository(DepartmentEntity);
  }

  /** Throws UniqueViolationError(DEPARTMENT_NAME_UNIQUE) when the name is taken (any case). */
  async create(
    department: NewDepartment,
    hook: TransactionHook<DepartmentEntity> = noHook,
  ): Promise<DepartmentEntity> {
    const entity = this.repository.create({ ...department, active: true });
    await withConstraintErrors(() =>
      this.dataSource.transaction(async (manager) => {
        await manager.insert(DepartmentEntity, entity);
        await hook(manager, entity);
      }),
    );
    return entity;
  }

  /**
   * Changes the given fields; null when the department does not exist. The hook sees before and
   * after. Throws UniqueViolationError(DEPARTMENT_NAME_UNIQUE) when the new name is taken.
   */
  update(
    id: string,
    patch: DepartmentPatch,
    hook: TransactionHook<Change<DepartmentEntity>> = noHook,
  ): Promise<Change<DepartmentEntity> | null> {
    return withConstraintErrors(() =>
      this.dataSource.transaction(async (manager) => {
        const before = await this.lock(manager, id);
        if (before === null) {
          return null;
        }
        const after: DepartmentEntity = {
          ...before,
          ...(patch.name === undefined ? {} : { name: patch.name }),
          ...(patch.active === undefined ? {} : { active: patch.active }),
          ...(patch.assignmentMode === undefined ? {} : { assignmentMode: patch.assignmentMode }),
        };
        await manager.update(
          DepartmentEntity,
          { id },
          { name: after.name, active: after.active, assignmentMode: after.assignmentMode },
        );
        const change = { before, after };
        await hook(manager, change);
        return change;
      }),
    );
  }

  list(): Promise<DepartmentEntity[]> {
    return this.repository.find({ order: { name: 'ASC', id: 'ASC' } });
  }

  findById(id: string): Promise<DepartmentEntity | null> {
    return this.repository.findOneBy({ id });
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

  private lock(manager: EntityManager, id: string): Promise<DepartmentEntity | null> {
    return manager
      .getRepository(DepartmentEntity)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }
}
