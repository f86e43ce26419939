import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';

import type { ChannelIcon } from '@wechat-desk/desk/data-access';

import { DeskErrors } from '../../common/desk-error';
import { RequestValidationPipe } from '../../common/validation';
import { checkIcon, iconTooLarge, MAX_ICON_BYTES } from '../icon/channel-icon';
import type { CreateChannelInput } from './create-channel';
import { CreateChannelDto } from './create-channel.dto';

/** The only file field of the form. */
export const ICON_FIELD = 'icon';

/** Limits handed to @fastify/multipart: the icon may be 1 MB, a text field is short. */
export const CHANNEL_FORM_LIMITS = {
  fileSize: MAX_ICON_BYTES,
  files: 1,
  fields: 20,
  fieldSize: 4_096,
  parts: 21,
} as const;

const validation = new RequestValidationPipe();

interface RawForm {
  fields: Record<string, unknown>;
  icon: Buffer | null;
  iconTruncated: boolean;
  problems: Record<string, string[]>;
}

/**
 * A new channel from `multipart/form-data` (text fields plus the optional `icon` file) or from a
 * JSON body (no icon). Fields are validated exactly as the JSON body is (422 VALIDATION_FAILED),
 * then the icon by its bytes and size (422 ICON_INVALID / ICON_TOO_LARGE).
 */
export async function readChannelForm(request: FastifyRequest): Promise<CreateChannelInput> {
  if (!request.isMultipart()) {
    const body = await validateFields(request.body);
    return { ...body, icon: null };
  }
  const form = await readMultipart(request);
  if (Object.keys(form.problems).length > 0) {
    throw DeskErrors.validationFailed(form.problems);
  }
  const body = await validateFields(form.fields);
  let icon: ChannelIcon | null = null;
  if (form.iconTruncated) {
    throw iconTooLarge();
  }
  if (form.icon !== null) {
    icon = checkIcon(form.icon);
  }
  return { ...body, icon };
}

async function validateFields(value: unknown): Promise<CreateChannelDto> {
  return (await validation.transform(value, {
    type: 'body',
    metatype: CreateChannelDto,
  })) as CreateChannelDto;
}

/** Reads every part (so the client's upload is consumed to its end) before judging any. */
async function readMultipart(request: FastifyRequest): Promise<RawForm> {
  const form: RawForm = { fields: {}, icon: null, iconTruncated: false, problems: {} };
  let parts: AsyncIterableIterator<Multipart>;
  try {
    // throwFileSizeLimit off: an oversized icon is read to its end (marked truncated) so the
    // answer is a 422 after the whole upload, not a reset connection in the middle of it.
    parts = request.parts({
      limits: CHANNEL_FORM_LIMITS,
      throwFileSizeLimit: false,
    } as Parameters<FastifyRequest['parts']>[0]);
    for await (const part of parts) {
      if (part.type === 'field') {
        if (part.fieldname in form.fields) {
          form.problems[part.fieldname] = [`${part.fieldname} must be given once`];
        }
        form.fields[part.fieldname] = part.valueTruncated ? '' : part.value;
        if (part.valueTruncated) {
          form.problems[part.fieldname] = [`${part.fieldname} is too long`];
        }
        continue;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of part.file) {
        chunks.push(chunk as Buffer);
      }
      if (part.fieldname !== ICON_FIELD) {
        form.problems[part.fieldname] = [`only one file, "${ICON_FIELD}", is accepted`];
        continue;
      }
      const bytes = Buffer.concat(chunks);
      // A browser sends an empty part without a name when no file was chosen: no icon.
      if (bytes.length === 0 && part.filename === '') {
        continue;
      }
      form.icon = bytes;
      form.iconTruncated = part.file.truncated;
    }
  } catch (error) {
    throw multipartProblem(error);
  }
  return form;
}

/** @fastify/multipart's limit and format errors, as the API's own 422. */
function multipartProblem(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return iconTooLarge();
    case 'FST_FILES_LIMIT':
      return DeskErrors.validationFailed({ [ICON_FIELD]: ['only one icon file is accepted'] });
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
