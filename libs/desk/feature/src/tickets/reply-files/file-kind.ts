/**
 * What an agent's file is, decided from its bytes (magic numbers), never trusted from its name or
 * declared type: the name only tells apart containers whose bytes are alike (OLE2 doc/xls/ppt, a
 * plain ZIP vs an OOXML one, text vs CSV). Limits are WeChat's temporary media limits (image and
 * video 10 MB, voice 2 MB) and ours for documents, which go as links (20 MB).
 */

export type ReplyFileKind = 'image' | 'voice' | 'video' | 'document';

const MB = 1024 * 1024;

export const FILE_KIND_LIMIT_BYTES: Readonly<Record<ReplyFileKind, number>> = {
  image: 10 * MB,
  voice: 2 * MB,
  video: 10 * MB,
  document: 20 * MB,
};

/** The largest file of any kind: what an upload may be before its kind is known. */
export const MAX_REPLY_FILE_BYTES = Math.max(...Object.values(FILE_KIND_LIMIT_BYTES));

export interface AcceptedFileType {
  mimeType: string;
  extension: string;
}

/** Every type accepted, by kind (what a refusal tells the agent). */
export const ACCEPTED_FILE_TYPES: Readonly<Record<ReplyFileKind, readonly AcceptedFileType[]>> = {
  image: [
    { mimeType: 'image/jpeg', extension: 'jpg' },
    { mimeType: 'image/png', extension: 'png' },
    { mimeType: 'image/gif', extension: 'gif' },
  ],
  voice: [
    { mimeType: 'audio/amr', extension: 'amr' },
    { mimeType: 'audio/mpeg', extension: 'mp3' },
  ],
  video: [{ mimeType: 'video/mp4', extension: 'mp4' }],
  document: [
    { mimeType: 'application/pdf', extension: 'pdf' },
    { mimeType: 'application/msword', extension: 'doc' },
    { mimeType: 'application/vnd.ms-excel', extension: 'xls' },
    { mimeType: 'application/vnd.ms-powerpoint', extension: 'ppt' },
    {
      mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      extension: 'docx',
    },
    {
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      extension: 'xlsx',
    },
    {
      mimeType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      extension: 'pptx',
    },
    { mimeType: 'application/zip', extension: 'zip' },
    { mimeType: 'text/plain', extension: 'txt' },
    { mimeType: 'text/csv', extension: 'csv' },
  ],
};

/** The accepted types with their kind and limit, as a refusal's details list them. */
export interface AcceptedKind {
  kind: ReplyFileKind;
  maxBytes: number;
  types: readonly AcceptedFileType[];
}

export const ACCEPTED_KINDS: readonly AcceptedKind[] = (
  Object.keys(ACCEPTED_FILE_TYPES) as ReplyFileKind[]
).map((kind) => ({
  kind,
  maxBytes: FILE_KIND_LIMIT_BYTES[kind],
  types: ACCEPTED_FILE_TYPES[kind],
}));

export interface ReplyFileType {
  kind: ReplyFileKind;
  mimeType: string;
  /** The extension that fits the bytes, without a dot. */
  extension: string;
}

export type FileRefusal =
  | { refused: 'empty' }
  | { refused: 'too-large'; kind: ReplyFileKind; size: number; maxBytes: number }
  | { refused: 'unsupported'; accepted: readonly AcceptedKind[] };

export type FileKindVerdict =
  { accepted: true; type: ReplyFileType } | { accepted: false; refusal: FileRefusal };

/** The kind of the file, or why it cannot be sent. `fileName` only disambiguates containers. */
export function fileKindOf(bytes: Buffer, fileName: string): FileKindVerdict {
  if (bytes.length === 0) {
    return { accepted: false, refusal: { refused: 'empty' } };
  }
  const type = sniffReplyFileType(bytes, extensionOf(fileName));
  if (type === null) {
    return { accepted: false, refusal: { refused: 'unsupported', accepted: ACCEPTED_KINDS } };
  }
  const maxBytes = FILE_KIND_LIMIT_BYTES[type.kind];
  if (bytes.length > maxBytes) {
    return {
      accepted: false,
      refusal: { refused: 'too-large', kind: type.kind, size: bytes.length, maxBytes },
    };
  }
  return { accepted: true, type };
}

/** The lower-case extension of a file name, without the dot ('' when it has none). */
export function extensionOf(fileName: string): string {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

const acceptedType = (kind: ReplyFileKind, extension: string): ReplyFileType => {
  const found = ACCEPTED_FILE_TYPES[kind].find((candidate) => candidate.extension === extension);
  if (found === undefined) {
    throw new Error(`No accepted ${kind} type has the extension ${extension}`);
  }
  return { kind, mimeType: found.mimeType, extension };
};

const startsWith = (bytes: Buffer, magic: readonly number[] | string, offset = 0): boolean => {
  const expected = typeof magic === 'string' ? Buffer.from(magic, 'latin1') : Buffer.from(magic);
  return (
    bytes.length >= offset + expected.length &&
    bytes.subarray(offset, offset + expected.length).equals(expected)
  );
};

const JPEG = [0xff, 0xd8, 0xff];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04];
const ZIP_EMPTY_ARCHIVE = [0x50, 0x4b, 0x05, 0x06];

const OLE2_DOCUMENTS: Readonly<Record<string, string>> = { doc: 'doc', xls: 'xls', ppt: 'ppt' };

/**
 * ISO base media files that are not MP4 video (HEIF/AVIF pictures, M4A audio, QuickTime):
 * WeChat would refuse them as video.
 */
const NOT_MP4_VIDEO_BRANDS = new Set([
  'heic',
  'heix',
  'heim',
  'heis',
  'hevc',
  'hevx',
  'mif1',
  'msf1',
  'avif',
  'avis',
  'M4A ',
  'M4B ',
  'M4P ',
  'qt  ',
  'crx ',
]);

function sniffReplyFileType(bytes: Buffer, extension: string): ReplyFileType | null {
  if (startsWith(bytes, JPEG)) return acceptedType('image', 'jpg');
  if (startsWith(bytes, PNG)) return acceptedType('image', 'png');
  if (startsWith(bytes, 'GIF87a') || startsWith(bytes, 'GIF89a'))
    return acceptedType('image', 'gif');
  if (startsWith(bytes, '#!AMR\n')) return acceptedType('voice', 'amr');
  if (startsWith(bytes, 'ID3') || isMp3FrameHeader(bytes)) return acceptedType('voice', 'mp3');
  if (isMp4Video(bytes)) return acceptedType('video', 'mp4');
  if (startsWith(bytes, '%PDF-')) return acceptedType('document', 'pdf');
  if (startsWith(bytes, OLE2)) {
    const document = OLE2_DOCUMENTS[extension];
    return document === undefined ? null : acceptedType('document', document);
  }
  if (startsWith(bytes, ZIP_LOCAL_HEADER) || startsWith(bytes, ZIP_EMPTY_ARCHIVE)) {
    return acceptedType('document', zipDocumentExtension(bytes, extension));
  }
  if ((extension === 'txt' || extension === 'csv') && isUtf8Text(bytes)) {
    return acceptedType('document', extension);
  }
  return null;
}

/**
 * An MPEG audio Layer III frame header: 11 sync bits, a defined version, layer III, a bitrate
 * index other than "bad" and a defined sample rate. Layer III only, so AAC (ADTS, layer 0) and a
 * random 0xFFE… start are not taken for MP3.
 */
function isMp3FrameHeader(bytes: Buffer): boolean {
  if (bytes.length < 4) return false;
  const [first, second, third] = [bytes[0] ?? 0, bytes[1] ?? 0, bytes[2] ?? 0];
  const sync = first === 0xff && (second & 0xe0) === 0xe0;
  const version = (second >> 3) & 0b11;
  const layer = (second >> 1) & 0b11;
  const bitrate = third >> 4;
  const sampleRate = (third >> 2) & 0b11;
  return sync && version !== 0b01 && layer === 0b01 && bitrate !== 0b1111 && sampleRate !== 0b11;
}

/** An ISO base media file (`ftyp` box first) whose major brand is not a picture, audio or QuickTime. */
function isMp4Video(bytes: Buffer): boolean {
  if (!startsWith(bytes, 'ftyp', 4) || bytes.length < 12) return false;
  const boxSize = bytes.readUInt32BE(0);
  if (boxSize < 16 && boxSize !== 0 && boxSize !== 1) return false;
  return !NOT_MP4_VIDEO_BRANDS.has(bytes.toString('latin1', 8, 12));
}

const OOXML_PART_PREFIX: Readonly<Record<string, string>> = {
  docx: 'word/',
  xlsx: 'xl/',
  pptx: 'ppt/',
};

/** Local headers read at most: OOXML puts its marker entries first, a big archive need not be walked. */
const MAX_ZIP_ENTRIES_READ = 200;

/**
 * docx/xlsx/pptx or a plain zip. OOXML by content when `[Content_Types].xml` and exactly one part
 * folder (`word/`, `xl/`, `ppt/`) are there; else by extension when the name says OOXML and one of
 * the two markers agrees (the part may lie past the entries read); otherwise a plain ZIP.
 */
function zipDocumentExtension(bytes: Buffer, extension: string): string {
  const names = zipEntryNames(bytes);
  const hasContentTypes = names.includes('[Content_Types].xml');
  const partOf = (ooxml: string): boolean =>
    names.some((name) => name.startsWith(OOXML_PART_PREFIX[ooxml] ?? '\0'));
  const byContent = Object.keys(OOXML_PART_PREFIX).filter(partOf);
  const [only] = byContent;
  if (hasContentTypes && only !== undefined && byContent.length === 1) {
    return only;
  }
  if (extension in OOXML_PART_PREFIX && (hasContentTypes || partOf(extension))) {
    return extension;
  }
  return 'zip';
}

/** The entry names of the archive's local file headers, found by their signature. */
function zipEntryNames(bytes: Buffer): string[] {
  const signature = Buffer.from(ZIP_LOCAL_HEADER);
  const names: string[] = [];
  let at = bytes.indexOf(signature);
  while (at !== -1 && names.length < MAX_ZIP_ENTRIES_READ && at + 30 <= bytes.length) {
    const nameLength = bytes.readUInt16LE(at + 26);
    const nameStart = at + 30;
    if (nameLength > 0 && nameStart + nameLength <= bytes.length) {
      names.push(bytes.toString('utf8', nameStart, nameStart + nameLength));
    }
    at = bytes.indexOf(signature, nameStart + nameLength);
  }
  return names;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Valid UTF-8 without NUL bytes: what a text or CSV file sent as a document must be. */
function isUtf8Text(bytes: Buffer): boolean {
  if (bytes.includes(0)) return false;
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const isControlCharacter = (character: string): boolean => {
  const code = character.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
};

/** The name to send the file under: the agent's, with its real type's extension appended if missing. */
export function sendableFileName(fileName: string, extension: string): string {
  const base = fileName
    .slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1)
    // Control characters would break headers and the customer's view of the name.
    .split('')
    .filter((character) => !isControlCharacter(character))
    .join('')
    .trim();
  const named = base === '' ? 'file' : base;
  const fits =
    extensionOf(named) === extension || (extension === 'jpg' && extensionOf(named) === 'jpeg');
  const full = fits ? named : `${named}.${extension}`;
  // The contract allows 255 characters; keep the extension when shortening.
  return full.length <= 255 ? full : `${full.slice(0, 254 - extension.length)}.${extension}`;
}
