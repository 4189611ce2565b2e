/** Reads the `file` part of a multipart/form-data body (RFC 7578) byte-exactly. */
export function parseMultipartFile(
  contentType: string,
  body: Buffer,
): { filename: string; mimeType: string; bytes: Buffer } | null {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const marker = boundary?.[1] ?? boundary?.[2];
  if (!marker) return null;
  const delimiter = Buffer.from(`--${marker}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const disposition = /content-disposition:[^\r\n]*name="file"[^\r\n]*filename="([^"]*)"/i.exec(headers);
      if (disposition) {
        const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? 'application/octet-stream';
        return { filename: disposition[1] as string, mimeType: type, bytes: Buffer.from(part.subarray(headerEnd + 4)) };
      }
    }
    start = next;
  }
  return null;
}
