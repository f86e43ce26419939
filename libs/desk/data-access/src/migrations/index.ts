import { DeskInitial1764040000000 } from './1764040000000-desk-initial';
import { DeskTicketSettings1764100002000 } from './1764100002000-desk-ticket-settings';
import { DeskPeopleAndScope1764100000000 } from './1764100000000-desk-people-and-scope';
import { DeskLiveEvents1764200002000 } from './1764200002000-desk-live-events';
import { DeskAssignment1764200003000 } from './1764200003000-desk-assignment';
import { DeskAttachmentAndContactViews1764200004000 } from './1764200004000-desk-attachment-and-contact-views';
import { DeskReplyWindows1764300000000 } from './1764300000000-desk-reply-windows';
import { DeskTypingIndicators1764300002000 } from './1764300002000-desk-typing-indicators';
import { DeskReplyFiles1764300003000 } from './1764300003000-desk-reply-files';

/** In order; tools/migrate.ts runs them in the desk schema. */
export const deskMigrations = [
  DeskInitial1764040000000,
  DeskPeopleAndScope1764100000000,
  DeskTicketSettings1764100002000,
  DeskLiveEvents1764200002000,
  DeskAssignment1764200003000,
  DeskAttachmentAndContactViews1764200004000,
  DeskReplyWindows1764300000000,
  DeskTypingIndicators1764300002000,
  DeskReplyFiles1764300003000,
];
