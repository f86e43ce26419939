import { Column, Entity, PrimaryColumn } from 'typeorm';

/** How a department's new tickets get an agent (round-robin among the eligible ones, or none). */
export const ASSIGNMENT_MODES = ['round-robin', 'unassigned'] as const;
export type AssignmentMode = (typeof ASSIGNMENT_MODES)[number];

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

  @Column({ name: 'assignment_mode', type: 'text', default: 'round-robin' })
  assignmentMode!: AssignmentMode;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
