/** The element with this id, typed; a page missing one is a build mistake, so it throws. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing`);
  return el as T;
}

/** An element with text content only: nothing from the server is ever parsed as HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text = "",
  attrs: Record<string, string> = {},
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.textContent = text;
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  return node;
}

/** Shows a message in a live region (announced by screen readers) or clears it. */
export function say(id: string, text: string, kind: "error" | "info" = "error"): void {
  const box = byId(id);
  box.textContent = text;
  box.dataset.kind = kind;
  box.hidden = text === "";
}
