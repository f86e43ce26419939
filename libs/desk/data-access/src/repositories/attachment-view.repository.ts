import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import type { AttachmentRole } from '@wechat-desk/contracts';

export type AttachmentStatus = 'stored' | 'failed';

/** A message's media as conversation reported it: stored (servable) or failed (and why). */
export interface AttachmentView {
  id: string;
  messageId: string;
  role: AttachmentRole;
  status: AttachmentStatus;
  mimeType: string | null;
  size: number | null;
  failureCode: string | null;
  failureMessage: string | null;
  /** The name an agent's file is sent under; null for a customer's media. */
  fileName: string | null;
}

export interface StoredAttachment {
  id: string;
  messageId: string;
  role: AttachmentRole;
  mimeType: string;
  size: number;
}

export interface FailedAttachment {
  id: string;
  messageId: string;
  role: AttachmentRole;
  code: string;
  message: string;
}

/** An agent's file, stored under `blobKey` before its reply was queued. */
export interface ReplyFileAttachment {
  id: string;
  messageId: string;
  mimeType: string;
  size: number;
  blobKey: string;
  fileName: string;
}

/** A stored attachment and the ticket its message belongs to (null while the message is unknown). */
export interface ServableAttachment {
  id: string;
  mimeType: string;
  size: number;
  ticketId: string | null;
  /** Where the bytes lie: the attachment id for a customer's media. */
  blobKey: string;
  fileName: string | null;
}

interface AttachmentRow {
  id: string;
  message_id: string;
  role: AttachmentRole;
  status: AttachmentStatus;
  mime_type: string | null;
  size: string | null;
  failure_code: string | null;
  failure_message: string | null;
  blob_key: string | null;
  file_name: string | null;
}

const toView = (row: AttachmentRow): AttachmentView => ({
  id: row.id,
  messageId: row.message_id,
  role: row.role,
  status: row.status,
  mimeType: row.mime_type,
  size: row.size === null ? null : Number(row.size),
  failureCode: row.failure_code,
  failureMessage: row.failure_message,
  fileName: row.file_name,
});

/** The media first, then thumbnails; the id keeps the order stable. */
const ORDER = `ORDER BY (a.role = 'thumbnail'), a.id`;

@Injectable()
export class AttachmentViewRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Returns whether anything changed: stored is final, so a redelivery or late failure is not. */
  async recordStored(manager: EntityManager, attachment: StoredAttachment): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO desk.attachment_views AS a (id, message_id, role, status, mime_type, size)
       VALUES ($1, $2, $3, 'stored', $4, $5)
       ON CONFLICT (id) DO UPDATE SET status = 'stored', mime_type = EXCLUDED.mime_type,
         size = EXCLUDED.size, failure_code = NULL, failure_message = NULL
       WHERE a.status <> 'stored'
       RETURNING id`,
      [attachment.id, attachment.messageId, attachment.role, attachment.mimeType, attachment.size],
    );
    return rows.length > 0;
  }

  /** Returns whether anything changed; never overwrites a stored attachment (stored wins). */
  async recordFailed(manager: EntityManager, attachment: FailedAttachment): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO desk.attachment_views AS a (id, message_id, role, status, failure_code, failure_message)
       VALUES ($1, $2, $3, 'failed', $4, $5)
       ON CONFLICT (id) DO UPDATE SET failure_code = EXCLUDED.failure_code,
         failure_message = EXCLUDED.failure_message
       WHERE a.status = 'failed'
         AND (a.failure_code, a.failure_message) IS DISTINCT FROM (EXCLUDED.failure_code, EXCLUDED.failure_message)
       RETURNING id`,
      [attachment.id, attachment.messageId, attachment.role, attachment.code, attachment.message],
    );
    return rows.length > 0;
  }

  /** Recorded with its reply, in the reply's transaction. */
  async recordReplyFile(
    manager: EntityManager,
    file: ReplyFileAttachment,
  ): Promise<AttachmentView> {
    const rows: AttachmentRow[] = await manager.query(
      `INSERT INTO desk.attachment_views (id, message_id, role, status, mime_type, size, blob_key, file_name)
       VALUES ($1, $2, 'media', 'stored', $3, $4, $5, $6)
       RETURNING *`,
      [file.id, file.messageId, file.mimeType, file.size, file.blobKey, file.fileName],
    );
    const [row] = rows;
    if (row === undefined) {
      throw new Error(`The reply file ${file.id} was not recorded`);
    }
    return toView(row);
  }

  /** A message's attachments, read inside the caller's transaction. */
  async listByMessage(manager: EntityManager, messageId: string): Promise<AttachmentView[]> {
    const rows: AttachmentRow[] = await manager.query(
      `SELECT a.* FROM desk.attachment_views a WHERE a.message_id = $1 ${ORDER}`,
      [messageId],
    );
    return rows.map(toView);
  }

  /** The attachments of every message of the ticket. */
  async listByTicket(ticketId: string): Promise<AttachmentView[]> {
    const rows: AttachmentRow[] = await this.dataSource.query(
      `SELECT a.* FROM desk.attachment_views a
       JOIN desk.message_views m ON m.id = a.message_id
       WHERE m.ticket_id = $1 ${ORDER}`,
      [ticketId],
    );
    return rows.map(toView);
  }

  /** A stored attachment with its message's ticket; null when unknown or not stored. */
  async findStored(id: string): Promise<ServableAttachment | null> {
    const rows: Array<{
      id: string;
      mime_type: string;
      size: string;
      ticket_id: string | null;
      blob_key: string | null;
      file_name: string | null;
    }> = await this.dataSource.query(
      `SELECT a.id, a.mime_type, a.size, m.ticket_id, a.blob_key, a.file_name
       FROM desk.attachment_views a
       LEFT JOIN desk.message_views m ON m.id = a.message_id
       WHERE a.id = $1 AND a.status = 'stored'`,
      [id],
    );
    const row = rows[0];
    return row === undefined
      ? null
      : {
          id: row.id,
          mimeType: row.mime_type,
          size: Number(row.size),
          ticketId: row.ticket_id,
          blobKey: row.blob_key ?? row.id,
          fileName: row.file_name,
        };
  }
}
