import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'departments' })
export class DepartmentEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** Unique regardless of case (index on lower(name)). */
  @Column({ type: 'text' })
  name!: string;

  /** A deactivated department keeps its history but takes no new members or associations. */
  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
