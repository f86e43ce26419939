import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** WeChat's indicator lasts 15 s and cannot be shown again meanwhile (protocol.md §6.3). */
export const TYPING_INDICATOR_SECONDS = 15;

@Injectable()
export class TypingIndicatorRepository {
  /** True when the ticket may show "typing" now (none shown in the last 15 s); records it. */
  async claimTyping(manager: EntityManager, ticketId: string, now: Date): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO desk.typing_indicators AS t (ticket_id, last_typing_at) VALUES ($1, $2)
       ON CONFLICT (ticket_id) DO UPDATE SET last_typing_at = EXCLUDED.last_typing_at
         WHERE t.last_typing_at <= EXCLUDED.last_typing_at - make_interval(secs => $3)
       RETURNING ticket_id`,
      [ticketId, now, TYPING_INDICATOR_SECONDS],
    );
    return rows.length > 0;
  }

  /** The indicator was cancelled: the next "typing" may show at once. */
  async release(manager: EntityManager, ticketId: string): Promise<void> {
    await manager.query('DELETE FROM desk.typing_indicators WHERE ticket_id = $1', [ticketId]);
  }
}
