/**
 * The `htu` a proof names for a request: the target URI without query and fragment (RFC 9449
 * section 4.2), normalised by the WHATWG URL parser, which applies the syntax-based and
 * scheme-based normalisation the RFC asks for (section 4.3: lower-case scheme and host, default
 * port dropped, dot segments removed, percent-encoding case). Client and server both call this, so
 * what one signs is what the other compares. Undefined for anything that is not an absolute
 * http(s) URI.
 */
export function normalizeHtu(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  if (url.username || url.password) return undefined;
  return `${url.protocol}//${url.host}${url.pathname}`;
}
