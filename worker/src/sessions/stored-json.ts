/** Text read back from Redis is never trusted to be JSON: undefined when it is not. */
export function storedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
