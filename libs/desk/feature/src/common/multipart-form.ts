import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';

import { DeskErrors, type DeskError } from './desk-error';

export interface MultipartFile {
  bytes: Buffer;
  fileName: string;
  /** Cut off at the file size limit: it was larger. */
  truncated: boolean;
}

export interface MultipartForm {
  fields: Record<string, string>;
  file: MultipartFile | null;
  /** Per field, what is wrong with the form itself (repeated, too long, unknown, extra files). */
  problems: Record<string, string[]>;
}

export interface MultipartFormSpec {
  limits: {
    fileSize: number;
    files: number;
    fields: number;
    fieldSize: number;
    parts: number;
  };
  /** The only file part accepted. */
  fileField: string;
  /** The text fields accepted; any other is a problem. All are accepted when absent. */
  fieldNames?: ReadonlySet<string>;
  /** The answer when the file is over `limits.fileSize`. */
  fileTooLarge: () => DeskError;
}

/**
 * Reads every part of a `multipart/form-data` body (so the client's upload is consumed to its
 * end) before any is judged; the caller validates the fields and the file.
 */
export async function readMultipartForm(
  request: FastifyRequest,
  spec: MultipartFormSpec,
): Promise<MultipartForm> {
  const form: MultipartForm = { fields: {}, file: null, problems: {} };
  try {
    // throwFileSizeLimit off: an oversized file is read to its end (marked truncated) so the
    // answer comes after the upload, not as a reset connection in the middle of it.
    const parts: AsyncIterableIterator<Multipart> = request.parts({
      limits: spec.limits,
      throwFileSizeLimit: false,
    } as Parameters<FastifyRequest['parts']>[0]);
    for await (const part of parts) {
      if (part.type === 'field') {
        if (spec.fieldNames !== undefined && !spec.fieldNames.has(part.fieldname)) {
          form.problems[part.fieldname] = [
            `is not a field of this form (${[...spec.fieldNames, spec.fileField].join(', ')})`,
          ];
        } else if (part.fieldname in form.fields) {
          form.problems[part.fieldname] = [`${part.fieldname} must be given once`];
        } else if (part.valueTruncated) {
          form.problems[part.fieldname] = [`${part.fieldname} is too long`];
        }
        form.fields[part.fieldname] =
          part.valueTruncated || typeof part.value !== 'string' ? '' : part.value;
        continue;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of part.file) {
        chunks.push(chunk as Buffer);
      }
      if (part.fieldname !== spec.fileField) {
        form.problems[part.fieldname] = [`only one file, "${spec.fileField}", is accepted`];
        continue;
      }
      const bytes = Buffer.concat(chunks);
      // A browser sends an empty part without a name when no file was chosen: no file.
      if (bytes.length === 0 && part.filename === '') {
        continue;
      }
      form.file = { bytes, fileName: part.filename, truncated: part.file.truncated };
    }
  } catch (error) {
    throw multipartProblem(error, spec);
  }
  return form;
}

/** @fastify/multipart's limit and format errors, as the API's own answers. */
function multipartProblem(error: unknown, spec: MultipartFormSpec): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return spec.fileTooLarge();
    case 'FST_FILES_LIMIT':
      return DeskErrors.validationFailed({
        [spec.fileField]: [`only one "${spec.fileField}" file is accepted`],
      });
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return DeskErrors.validationFailed({ body: ['the form has too many fields'] });
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
    case 'FST_PROTO_VIOLATION':
      return DeskErrors.validationFailed({ body: ['the multipart form is malformed'] });
    default:
      return error;
  }
}
