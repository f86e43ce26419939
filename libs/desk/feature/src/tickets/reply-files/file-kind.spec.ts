import {
  ACCEPTED_KINDS,
  extensionOf,
  FILE_KIND_LIMIT_BYTES,
  fileKindOf,
  MAX_REPLY_FILE_BYTES,
  sendableFileName,
  type ReplyFileKind,
} from './file-kind';

const MB = 1024 * 1024;

/** `head` followed by filler bytes up to `size` (the filler never looks like another format). */
function file(head: Buffer | string | number[], size = 64): Buffer {
  const start = Buffer.isBuffer(head)
    ? head
    : typeof head === 'string'
      ? Buffer.from(head, 'latin1')
      : Buffer.from(head);
  return Buffer.concat([start, Buffer.alloc(Math.max(0, size - start.length), 0x2a)]);
}

/** A ZIP archive's local headers (stored, empty entries), enough for the sniffer to read names. */
function zip(entryNames: string[], size = 256): Buffer {
  const entries = entryNames.map((name) => {
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(Buffer.byteLength(name), 26);
    return Buffer.concat([header, Buffer.from(name, 'utf8')]);
  });
  return file(Buffer.concat(entries), size);
}

/** An ISO base media file starting with its ftyp box. */
function isoMedia(majorBrand: string, size = 64): Buffer {
  const box = Buffer.alloc(20);
  box.writeUInt32BE(20, 0);
  box.write('ftyp', 4, 'latin1');
  box.write(majorBrand, 8, 'latin1');
  box.write('isom', 16, 'latin1');
  return file(box, size);
}

const JPEG = [0xff, 0xd8, 0xff, 0xe0];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
/** MPEG-1 Layer III, 128 kbit/s, 44.1 kHz. */
const MP3_FRAME = [0xff, 0xfb, 0x90, 0x64];
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PPTX = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';

describe(fileKindOf.name, () => {
  describe('accepts by the bytes', () => {
    it.each<[string, Buffer, string, ReplyFileKind, string, string]>([
      ['JPEG', file(JPEG), 'photo.jpg', 'image', 'image/jpeg', 'jpg'],
      ['JPEG named .png', file(JPEG), 'photo.png', 'image', 'image/jpeg', 'jpg'],
      ['JPEG without a name', file(JPEG), '', 'image', 'image/jpeg', 'jpg'],
      ['PNG', file(PNG), 'shot.png', 'image', 'image/png', 'png'],
      ['GIF87a', file('GIF87a'), 'a.gif', 'image', 'image/gif', 'gif'],
      ['GIF89a named .txt', file('GIF89a'), 'a.txt', 'image', 'image/gif', 'gif'],
      ['AMR', file('#!AMR\n'), 'voice.amr', 'voice', 'audio/amr', 'amr'],
      ['MP3 with an ID3 tag', file('ID3\x04\x00'), 'song.mp3', 'voice', 'audio/mpeg', 'mp3'],
      ['MP3 frame sync (MPEG-1)', file(MP3_FRAME), 'x', 'voice', 'audio/mpeg', 'mp3'],
      [
        'MP3 frame sync (MPEG-2)',
        file([0xff, 0xf3, 0x84, 0x00]),
        'x',
        'voice',
        'audio/mpeg',
        'mp3',
      ],
      [
        'MP3 frame sync (MPEG-2.5)',
        file([0xff, 0xe3, 0x18, 0x00]),
        'x',
        'voice',
        'audio/mpeg',
        'mp3',
      ],
      ['MP4 isom', isoMedia('isom'), 'clip.mp4', 'video', 'video/mp4', 'mp4'],
      ['MP4 mp42', isoMedia('mp42'), 'clip.mov', 'video', 'video/mp4', 'mp4'],
      ['MP4 avc1', isoMedia('avc1'), 'clip', 'video', 'video/mp4', 'mp4'],
      ['MP4 M4V', isoMedia('M4V '), 'clip.m4v', 'video', 'video/mp4', 'mp4'],
      ['PDF', file('%PDF-1.7\n'), 'terms.pdf', 'document', 'application/pdf', 'pdf'],
      ['PDF named .doc', file('%PDF-1.4\n'), 'terms.doc', 'document', 'application/pdf', 'pdf'],
      ['OLE2 .doc', file(OLE2), 'old.doc', 'document', 'application/msword', 'doc'],
      ['OLE2 .XLS', file(OLE2), 'OLD.XLS', 'document', 'application/vnd.ms-excel', 'xls'],
      ['OLE2 .ppt', file(OLE2), 'deck.ppt', 'document', 'application/vnd.ms-powerpoint', 'ppt'],
      [
        'docx by its parts',
        zip(['[Content_Types].xml', '_rels/.rels', 'word/document.xml']),
        'letter.docx',
        'document',
        DOCX,
        'docx',
      ],
      [
        'xlsx by its parts, whatever the name',
        zip(['[Content_Types].xml', 'xl/workbook.xml']),
        'sheet.zip',
        'document',
        XLSX,
        'xlsx',
      ],
      [
        'pptx by its parts, named .docx',
        zip(['[Content_Types].xml', 'ppt/presentation.xml']),
        'deck.docx',
        'document',
        PPTX,
        'pptx',
      ],
      [
        'docx by extension and [Content_Types].xml (parts not read yet)',
        zip(['[Content_Types].xml', '_rels/.rels']),
        'letter.docx',
        'document',
        DOCX,
        'docx',
      ],
      [
        'xlsx by extension and its part folder ([Content_Types].xml stored later)',
        zip(['xl/workbook.xml', 'xl/styles.xml']),
        'sheet.xlsx',
        'document',
        XLSX,
        'xlsx',
      ],
      [
        'a plain zip',
        zip(['notes.txt', 'photos/a.jpg']),
        'bundle.zip',
        'document',
        'application/zip',
        'zip',
      ],
      [
        'a plain zip named .docx stays a zip',
        zip(['notes.txt']),
        'fake.docx',
        'document',
        'application/zip',
        'zip',
      ],
      [
        'a zip with a word/ folder but no [Content_Types].xml, named .zip',
        zip(['word/essay.txt']),
        'homework.zip',
        'document',
        'application/zip',
        'zip',
      ],
      [
        'an empty zip archive',
        file([0x50, 0x4b, 0x05, 0x06], 22),
        'e.zip',
        'document',
        'application/zip',
        'zip',
      ],
      [
        'UTF-8 text',
        file(Buffer.from('hello, 世界\n', 'utf8'), 0),
        'a.txt',
        'document',
        'text/plain',
        'txt',
      ],
      [
        'UTF-8 text with a BOM',
        file(Buffer.from('\ufeffhi', 'utf8'), 0),
        'b.TXT',
        'document',
        'text/plain',
        'txt',
      ],
      [
        'CSV',
        file(Buffer.from('a,b\n1,2\n', 'utf8'), 0),
        'data.csv',
        'document',
        'text/csv',
        'csv',
      ],
    ])('%s', (_case, bytes, fileName, kind, mimeType, extension) => {
      expect(fileKindOf(bytes, fileName)).toEqual({
        accepted: true,
        type: { kind, mimeType, extension },
      });
    });
  });

  describe('refuses what it does not accept', () => {
    it.each<[string, Buffer, string]>([
      ['unknown bytes', file('hello'), 'hello.bin'],
      ['text without a .txt/.csv name', file(Buffer.from('plain words', 'utf8'), 0), 'notes.md'],
      ['text named .txt with a NUL', Buffer.from('a\u0000b', 'utf8'), 'a.txt'],
      ['invalid UTF-8 named .csv', Buffer.from([0x61, 0xc3, 0x28]), 'a.csv'],
      ['Latin-1 text named .txt', Buffer.from('caf\xe9', 'latin1'), 'a.txt'],
      ['OLE2 with another extension (an Outlook .msg)', file(OLE2), 'mail.msg'],
      ['OLE2 without a name', file(OLE2), ''],
      ['HEIC picture (ftyp heic)', isoMedia('heic'), 'photo.heic'],
      ['AVIF picture (ftyp avif)', isoMedia('avif'), 'photo.avif'],
      ['M4A audio (ftyp M4A)', isoMedia('M4A '), 'song.m4a'],
      ['QuickTime movie (ftyp qt)', isoMedia('qt  '), 'clip.mov'],
      ['AMR-WB (not AMR-NB)', file('#!AMR-WB\n'), 'voice.amr'],
      ['AAC ADTS (layer 0, not MP3)', file([0xff, 0xf1, 0x50, 0x80]), 'a.aac'],
      ['MPEG Layer II', file([0xff, 0xfd, 0x90, 0x00]), 'a.mp2'],
      ['MPEG frame with the reserved version', file([0xff, 0xeb, 0x90, 0x00]), 'a.mp3'],
      ['MPEG frame with a bad bitrate', file([0xff, 0xfb, 0xf0, 0x00]), 'a.mp3'],
      ['MPEG frame with a reserved sample rate', file([0xff, 0xfb, 0x9c, 0x00]), 'a.mp3'],
      ['a truncated PNG signature', Buffer.from([0x89, 0x50, 0x4e]), 'a.png'],
      ['WebP', file('RIFF\x00\x00\x00\x00WEBPVP8 '), 'a.webp'],
      ['a Windows executable', file('MZ\x90\x00'), 'setup.exe'],
    ])('%s', (_case, bytes, fileName) => {
      expect(fileKindOf(bytes, fileName)).toEqual({
        accepted: false,
        refusal: { refused: 'unsupported', accepted: ACCEPTED_KINDS },
      });
    });

    it('refuses an empty file, whatever its name', () => {
      expect(fileKindOf(Buffer.alloc(0), 'a.txt')).toEqual({
        accepted: false,
        refusal: { refused: 'empty' },
      });
    });

    it('lists every accepted type with its kind and limit', () => {
      expect(
        ACCEPTED_KINDS.map(({ kind, maxBytes, types }) => [
          kind,
          maxBytes,
          types.map((type) => type.extension).join(','),
        ]),
      ).toEqual([
        ['image', 10 * MB, 'jpg,png,gif'],
        ['voice', 2 * MB, 'amr,mp3'],
        ['video', 10 * MB, 'mp4'],
        ['document', 20 * MB, 'pdf,doc,xls,ppt,docx,xlsx,pptx,zip,txt,csv'],
      ]);
      expect(MAX_REPLY_FILE_BYTES).toBe(20 * MB);
    });
  });

  describe("keeps to each kind's limit", () => {
    it.each<[ReplyFileKind, string, (size: number) => Buffer]>([
      ['image', 'a.jpg', (size) => file(JPEG, size)],
      ['image', 'a.png', (size) => file(PNG, size)],
      ['image', 'a.gif', (size) => file('GIF89a', size)],
      ['voice', 'a.amr', (size) => file('#!AMR\n', size)],
      ['voice', 'a.mp3', (size) => file(MP3_FRAME, size)],
      ['video', 'a.mp4', (size) => isoMedia('isom', size)],
      ['document', 'a.pdf', (size) => file('%PDF-1.7\n', size)],
      ['document', 'a.xls', (size) => file(OLE2, size)],
      ['document', 'a.docx', (size) => zip(['[Content_Types].xml', 'word/document.xml'], size)],
      ['document', 'a.zip', (size) => zip(['a.txt'], size)],
      ['document', 'a.csv', (size) => file('a,b\n', size)],
    ])(
      '%s named %s: exactly the limit is accepted, a byte more is refused',
      (kind, fileName, make) => {
        const maxBytes = FILE_KIND_LIMIT_BYTES[kind];
        const atLimit = fileKindOf(make(maxBytes), fileName);
        expect(atLimit.accepted && atLimit.type.kind).toBe(kind);
        expect(fileKindOf(make(maxBytes + 1), fileName)).toEqual({
          accepted: false,
          refusal: { refused: 'too-large', kind, size: maxBytes + 1, maxBytes },
        });
      },
    );
  });
});

describe(extensionOf.name, () => {
  it.each([
    ['report.PDF', 'pdf'],
    ['archive.tar.gz', 'gz'],
    ['.bashrc', ''],
    ['no-extension', ''],
    ['', ''],
    ['dir.v2/file', ''],
    ['C:\\docs\\Plan.Docx', 'docx'],
  ])('%s → "%s"', (fileName, extension) => {
    expect(extensionOf(fileName)).toBe(extension);
  });
});

describe(sendableFileName.name, () => {
  it.each([
    ['报告.pdf', 'pdf', '报告.pdf'],
    ['photo.jpeg', 'jpg', 'photo.jpeg'],
    ['photo.JPG', 'jpg', 'photo.JPG'],
    ['fake.docx', 'zip', 'fake.docx.zip'],
    ['', 'pdf', 'file.pdf'],
    ['   ', 'txt', 'file.txt'],
    ['C:\\Users\\ann\\plan.xlsx', 'xlsx', 'plan.xlsx'],
    ['../../etc/passwd', 'txt', 'passwd.txt'],
    ['evil\r\nname.pdf', 'pdf', 'evilname.pdf'],
  ])('%j as %s → %j', (fileName, extension, expected) => {
    expect(sendableFileName(fileName, extension)).toBe(expected);
  });

  it('shortens a long name to 255 characters, keeping the extension', () => {
    const name = sendableFileName(`${'a'.repeat(300)}.pdf`, 'pdf');
    expect(name).toHaveLength(255);
    expect(name.endsWith('a.pdf')).toBe(true);
  });
});
