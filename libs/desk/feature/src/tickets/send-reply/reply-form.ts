import type { FastifyRequest } from 'fastify';

import { DeskErrors } from '../../common/desk-error';
import { readMultipartForm } from '../../common/multipart-form';
import { RequestValidationPipe } from '../../common/validation';
import { fileKindOf, MAX_REPLY_FILE_BYTES, sendableFileName } from '../reply-files/file-kind';
import { fileRefusalError, uploadTooLargeError } from '../reply-files/file-refusal';
import type { SendReplyInput } from './send-reply';
import { MAX_REPLY_TEXT_LENGTH, SendReplyDto } from './send-reply.dto';

/** The only file field of the form. */
export const REPLY_FILE_FIELD = 'file';

const TEXT_FIELDS: ReadonlySet<string> = new Set(['type', 'text']);

/** The file may be as large as the largest kind allows; its own kind's limit is checked after. */
export const REPLY_FORM_LIMITS = {
  fileSize: MAX_REPLY_FILE_BYTES,
  files: 1,
  fields: 4,
  fieldSize: 16_384,
  parts: 5,
} as const;

const validation = new RequestValidationPipe();

/**
 * An agent's reply from JSON (`{type: "text", text}`) or from `multipart/form-data`: a `file`
 * (its kind read from its bytes) with optional `text` for a document, or, from a form sent
 * without a file, a text reply validated as the JSON one is.
 */
export async function readReplyForm(request: FastifyRequest): Promise<SendReplyInput> {
  if (!request.isMultipart()) {
    return validateText(request.body);
  }
  const form = await readMultipartForm(request, {
    limits: REPLY_FORM_LIMITS,
    fileField: REPLY_FILE_FIELD,
    fieldNames: TEXT_FIELDS,
    fileTooLarge: uploadTooLargeError,
  });
  if (Object.keys(form.problems).length > 0) {
    throw DeskErrors.validationFailed(form.problems);
  }
  if (form.file === null) {
    return validateText({ type: 'text', ...form.fields });
  }
  if (form.file.truncated) {
    throw uploadTooLargeError();
  }
  const verdict = fileKindOf(form.file.bytes, form.file.fileName);
  if (!verdict.accepted) {
    throw fileRefusalError(verdict.refusal);
  }
  const { kind, mimeType, extension } = verdict.type;
  const problems: Record<string, string[]> = {};
  const declared = form.fields['type'];
  if (declared !== undefined && declared !== kind) {
    problems['type'] = [
      `the file is ${article(kind)} ${kind}, not ${article(declared)} ${declared}`,
    ];
  }
  const text = form.fields['text']?.trim() ?? '';
  if (text !== '' && kind !== 'document') {
    problems['text'] = [
      `WeChat sends ${article(kind)} ${kind} without words: send the text as its own reply`,
    ];
  }
  if (text.length > MAX_REPLY_TEXT_LENGTH) {
    problems['text'] = [`text must be at most ${MAX_REPLY_TEXT_LENGTH} characters`];
  }
  if (Object.keys(problems).length > 0) {
    throw DeskErrors.validationFailed(problems);
  }
  return {
    type: kind,
    file: {
      bytes: form.file.bytes,
      mimeType,
      fileName: sendableFileName(form.file.fileName, extension),
    },
    ...(text === '' ? {} : { text }),
  };
}

const article = (word: string): string => (/^[aeiou]/i.test(word) ? 'an' : 'a');

async function validateText(value: unknown): Promise<SendReplyInput> {
  const body = (await validation.transform(value, {
    type: 'body',
    metatype: SendReplyDto,
  })) as SendReplyDto;
  return { type: body.type, text: body.text };
}
