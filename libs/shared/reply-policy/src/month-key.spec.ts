import { DEFAULT_QUOTA_TIME_ZONE, isValidTimeZone, monthKey } from './month-key';

describe(monthKey.name, () => {
  it('counts months in Asia/Shanghai by default', () => {
    expect(DEFAULT_QUOTA_TIME_ZONE).toBe('Asia/Shanghai');
    expect(monthKey(new Date('2026-11-30T16:00:00Z'))).toBe('2026-12');
  });

  describe('month boundaries in Asia/Shanghai (UTC+8) and UTC', () => {
    it.each([
      ['2026-11-30T15:59:59.999Z', '2026-11', '2026-11'],
      ['2026-11-30T16:00:00.000Z', '2026-12', '2026-11'],
      ['2026-11-30T23:59:59.999Z', '2026-12', '2026-11'],
      ['2026-12-01T00:00:00.000Z', '2026-12', '2026-12'],
      ['2026-10-31T16:00:00.000Z', '2026-11', '2026-10'],
      ['2026-12-31T15:59:59.999Z', '2026-12', '2026-12'],
      ['2026-12-31T16:00:00.000Z', '2027-01', '2026-12'],
      ['2028-02-28T16:00:00.000Z', '2028-02', '2028-02'],
      ['2028-02-29T15:59:59.999Z', '2028-02', '2028-02'],
      ['2028-02-29T16:00:00.000Z', '2028-03', '2028-02'],
      ['2027-02-28T16:00:00.000Z', '2027-03', '2027-02'],
    ])('%s is %s in Shanghai and %s in UTC', (iso, shanghai, utc) => {
      const instant = new Date(iso);
      expect(monthKey(instant, 'Asia/Shanghai')).toBe(shanghai);
      expect(monthKey(instant, 'UTC')).toBe(utc);
    });
  });

  describe('other time zones', () => {
    it.each([
      // America/New_York: EST (UTC-5) in December, EDT (UTC-4) in April.
      ['America/New_York', '2026-12-01T04:59:59.999Z', '2026-11'],
      ['America/New_York', '2026-12-01T05:00:00.000Z', '2026-12'],
      ['America/New_York', '2026-04-01T03:59:59.999Z', '2026-03'],
      ['America/New_York', '2026-04-01T04:00:00.000Z', '2026-04'],
      // Asia/Kolkata: a half-hour offset (UTC+5:30).
      ['Asia/Kolkata', '2026-11-30T18:29:59.999Z', '2026-11'],
      ['Asia/Kolkata', '2026-11-30T18:30:00.000Z', '2026-12'],
      // Australia/Lord_Howe: UTC+11 in its summer (a half-hour DST shift).
      ['Australia/Lord_Howe', '2026-11-30T12:59:59.999Z', '2026-11'],
      ['Australia/Lord_Howe', '2026-11-30T13:00:00.000Z', '2026-12'],
      // The extremes: UTC+14 and UTC-11.
      ['Pacific/Kiritimati', '2026-11-30T09:59:59.999Z', '2026-11'],
      ['Pacific/Kiritimati', '2026-11-30T10:00:00.000Z', '2026-12'],
      ['Pacific/Pago_Pago', '2026-12-01T10:59:59.999Z', '2026-11'],
      ['Pacific/Pago_Pago', '2026-12-01T11:00:00.000Z', '2026-12'],
      // Fixed offsets and aliases that Intl knows.
      ['Etc/GMT-8', '2026-11-30T16:00:00.000Z', '2026-12'],
      ['Asia/Chongqing', '2026-11-30T16:00:00.000Z', '2026-12'],
      ['Asia/Calcutta', '2026-11-30T18:30:00.000Z', '2026-12'],
    ])('in %s, %s is %s', (timeZone, iso, expected) => {
      expect(monthKey(new Date(iso), timeZone)).toBe(expected);
    });
  });

  it('pads the year to four digits', () => {
    expect(monthKey(new Date('0999-05-15T00:00:00Z'), 'UTC')).toBe('0999-05');
  });

  it.each(['Mars/Olympus', 'Asia/Shangai', '', '+08:00', 'UTC+8'])(
    'refuses the unknown time zone %j with a clear error',
    (timeZone) => {
      const call = (): string => monthKey(new Date('2026-11-30T16:00:00Z'), timeZone);
      expect(call).toThrow(RangeError);
      expect(call).toThrow(`Unknown IANA time zone ${JSON.stringify(timeZone)}`);
    },
  );

  it('refuses an invalid date', () => {
    expect(() => monthKey(new Date(Number.NaN), 'UTC')).toThrow(
      new RangeError('monthKey needs a valid date'),
    );
  });
});

describe(isValidTimeZone.name, () => {
  it.each([
    ['Asia/Shanghai', true],
    ['UTC', true],
    ['Europe/Paris', true],
    ['asia/shanghai', true],
    ['Mars/Olympus', false],
    ['', false],
    ['+08:00', false],
  ])('%j → %s', (timeZone, expected) => {
    expect(isValidTimeZone(timeZone)).toBe(expected);
  });

  it('stays false for an unknown zone asked twice', () => {
    expect(isValidTimeZone('Nowhere/Land')).toBe(false);
    expect(isValidTimeZone('Nowhere/Land')).toBe(false);
  });
});
