/** WeChat counts the monthly quota in calendar months; China has one time zone. */
export const DEFAULT_QUOTA_TIME_ZONE = 'Asia/Shanghai';

const formatters = new Map<string, Intl.DateTimeFormat>();

function monthFormatter(timeZone: string): Intl.DateTimeFormat {
  const cached = formatters.get(timeZone);
  if (cached !== undefined) {
    return cached;
  }
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      calendar: 'gregory',
      numberingSystem: 'latn',
    });
  } catch (error) {
    if (error instanceof RangeError) {
      throw new RangeError(`Unknown IANA time zone ${JSON.stringify(timeZone)}`, { cause: error });
    }
    throw error;
  }
  formatters.set(timeZone, formatter);
  return formatter;
}

/** Whether Intl knows `timeZone` as an IANA zone name (for validating configuration). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    monthFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The calendar month ('YYYY-MM') that `instant` falls in, on the wall clock of `timeZone`.
 * Throws a RangeError for an unknown time zone or an invalid date.
 */
export function monthKey(instant: Date, timeZone: string = DEFAULT_QUOTA_TIME_ZONE): string {
  const formatter = monthFormatter(timeZone);
  if (Number.isNaN(instant.getTime())) {
    throw new RangeError('monthKey needs a valid date');
  }
  let year = '';
  let month = '';
  for (const part of formatter.formatToParts(instant)) {
    if (part.type === 'year') {
      year = part.value;
    } else if (part.type === 'month') {
      month = part.value;
    }
  }
  return `${year.padStart(4, '0')}-${month}`;
}
