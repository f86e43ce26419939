import { Pool } from 'pg';

/**
 * Whether PostgreSQL answers, asked on a connection of its own. Through the service's pool the
 * question would wait behind the handlers for a free connection, and a busy worker would read as
 * a broken one.
 */
export class DatabaseProbe {
  private readonly pool: Pool;

  constructor(databaseUrl: string, applicationName: string) {
    this.pool = new Pool({
      connectionString: databaseUrl,
      max: 1,
      connectionTimeoutMillis: 2_000,
      idleTimeoutMillis: 60_000,
      application_name: `${applicationName}-health`,
    });
    // An idle connection cut by a restart is reported here; the next question connects anew.
    this.pool.on('error', () => undefined);
  }

  async answers(): Promise<boolean> {
    await this.pool.query('SELECT 1');
    return true;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
