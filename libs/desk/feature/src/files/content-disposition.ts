/**
 * `attachment` with the file's name for every browser (RFC 6266): an ASCII fallback, and the
 * exact name as UTF-8 in `filename*` (RFC 8187), which WeChat's browser and all current ones read.
 */
export function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
