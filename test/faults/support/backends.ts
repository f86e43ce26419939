import { readFile, readdir, readlink } from 'node:fs/promises';

import type { PipelineSystem } from '../../../tools/bench/pipeline/system';

/** The local TCP ports of a process's open sockets, from /proc (Linux). */
async function localPortsOf(pid: number): Promise<Set<number>> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [])) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode !== undefined) {
      inodes.add(inode);
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(table, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const line of lines) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      const inode = fields[9];
      if (local !== undefined && inode !== undefined && inodes.has(inode)) {
        ports.add(Number.parseInt(local.split(':').pop() ?? '', 16));
      }
    }
  }
  return ports;
}

/**
 * How many of the process's PostgreSQL sessions are inside a transaction and waiting for a lock:
 * work it started and cannot commit. Matched by the client ports of its sockets.
 */
export async function transactionsWaitingOnLock(
  database: Pick<PipelineSystem, 'query'>,
  pid: number,
): Promise<number> {
  const ports = [...(await localPortsOf(pid))];
  if (ports.length === 0) {
    return 0;
  }
  const [row] = await database.query<{ n: string }>(
    `SELECT count(*) AS n FROM pg_stat_activity
      WHERE datname = current_database() AND client_port = ANY($1::int[])
        AND xact_start IS NOT NULL AND wait_event_type = 'Lock'`,
    [ports],
  );
  return Number(row?.n ?? 0);
}
