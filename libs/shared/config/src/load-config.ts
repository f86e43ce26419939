import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

import { AppConfig } from './app-config';

const OPTIONAL_VARIABLES = ['BOOTSTRAP_ADMIN_EMAIL', 'BOOTSTRAP_ADMIN_PASSWORD', 'MASTER_KEY'];

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

function describe(errors: ValidationError[]): string[] {
  return errors.flatMap((error) =>
    Object.values(error.constraints ?? {}).map((text) =>
      text.startsWith(error.property) ? text : `${error.property}: ${text}`,
    ),
  );
}

/** Reads the environment once, at boot; a wrong variable stops the process with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = new Set([...Object.keys(new AppConfig()), ...OPTIONAL_VARIABLES]);
  // Unrelated variables (PATH, HOME…) stay out; an empty value counts as unset.
  const defined = Object.fromEntries(
    Object.entries(env).filter(
      ([key, value]) => known.has(key) && value !== undefined && value !== '',
    ),
  );
  const config = plainToInstance(AppConfig, defined, { exposeDefaultValues: true });
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ConfigValidationError(describe(errors));
  }
  return config;
}
