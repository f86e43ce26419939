import { Column, Entity, PrimaryColumn } from 'typeorm';

export const AGENT_ROLES = ['admin', 'agent'] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];

@Entity({ name: 'agents' })
export class AgentEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** Stored lower-case, so uniqueness and login ignore case. */
  @Column({ type: 'text' })
  email!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  role!: AgentRole;

  /** `scrypt$N$r$p$salt$hash`; never leaves the repository except for a login check. */
  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  @Column({ type: 'boolean' })
  active!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
