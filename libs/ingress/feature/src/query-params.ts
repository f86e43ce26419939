/**
 * The named query parameters that arrived as single strings, as WeChat sends them. A repeated
 * parameter arrives as an array from the query parser and is dropped, so the request fails
 * verification instead of being half-trusted.
 */
export function singleStrings<K extends string>(
  raw: Record<string, unknown>,
  keys: readonly K[],
): Partial<Record<K, string>> {
  const picked: Partial<Record<K, string>> = {};
  for (const key of keys) {
    const value = raw[key];
    if (typeof value === 'string') {
      picked[key] = value;
    }
  }
  return picked;
}
