import type { FastifyRequest } from 'fastify';

import type { ChannelIcon } from '@wechat-desk/desk/data-access';

import { DeskErrors } from '../../common/desk-error';
import { readMultipartForm } from '../../common/multipart-form';
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
  const form = await readMultipartForm(request, {
    limits: CHANNEL_FORM_LIMITS,
    fileField: ICON_FIELD,
    fileTooLarge: iconTooLarge,
  });
  if (Object.keys(form.problems).length > 0) {
    throw DeskErrors.validationFailed(form.problems);
  }
  const body = await validateFields(form.fields);
  let icon: ChannelIcon | null = null;
  if (form.file?.truncated === true) {
    throw iconTooLarge();
  }
  if (form.file !== null) {
    icon = checkIcon(form.file.bytes);
  }
  return { ...body, icon };
}

async function validateFields(value: unknown): Promise<CreateChannelDto> {
  return (await validation.transform(value, {
    type: 'body',
    metatype: CreateChannelDto,
  })) as CreateChannelDto;
}
