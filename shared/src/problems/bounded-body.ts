import { AppError } from "./problem.ts";

/**
 * A request body read chunk by chunk and abandoned as soon as it passes `maxBytes`. A declared
 * Content-Length over the limit is refused before reading; a body without one (chunked) is
 * counted as it arrives, so an oversize body is never buffered, however long the sender goes on.
 * Oversize is 413 `payload_too_large`.
 */
export async function readBodyWithin(request: Request, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => new AppError("payload_too_large", `The body is limited to ${maxBytes} bytes.`);
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge();
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Not cancel(): on Node that destroys the socket before the 413 can be written. The
      // server discards (never stores) what the sender still sends.
      reader.releaseLock();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
