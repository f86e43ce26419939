import { Entity, PrimaryColumn } from 'typeorm';

/** Membership of an agent in a department (agent ↔ channel association will hang off it). */
@Entity({ name: 'agent_departments' })
export class AgentDepartmentEntity {
  @PrimaryColumn({ name: 'agent_id', type: 'uuid' })
  agentId!: string;

  @PrimaryColumn({ name: 'department_id', type: 'uuid' })
  departmentId!: string;
}
