import { type AuditPageBody, auditPageSchema } from "@tron-auth/shared/protocol";
import { el } from "../dom.ts";
import { auth } from "../session.ts";
import { dataTable } from "./wallet-view.ts";

/** The event types the worker and the bridge record, offered as the type filter. */
const EVENT_TYPES = [
  "login_success",
  "login_failure",
  "login_client_blocked",
  "token_refresh",
  "refresh_reuse",
  "logout",
  "session_revoke",
  "session_tampered",
  "role_change",
  "user_lock",
  "user_unlock",
  "lockdown",
  "lockdown_lifted",
  "wallet_sign_request",
  "wallet_sign_approved",
  "wallet_sign_refused",
  "wallet_policy_denied",
  "outbox_forgery",
];
const PAGE = 25;
const ADDRESS = /^T[1-9A-HJ-NP-Za-km-z]{33}$/;

type Event = AuditPageBody["events"][number];

function field(label: string, control: HTMLInputElement | HTMLSelectElement): HTMLElement {
  const wrap = el("label", label, { class: "field" });
  wrap.append(control);
  return wrap;
}

/** What a row says about an event's details: short, and only what the bridge kept (it masks secrets). */
function detailsText(e: Event): string {
  const summary = e.details.summary as { text?: unknown } | undefined;
  if (summary && typeof summary.text === "string") return summary.text;
  return Object.entries(e.details)
    .filter(([, v]) => ["string", "number", "boolean"].includes(typeof v) || Array.isArray(v))
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : String(v)}`)
    .join("; ");
}

function row(e: Event): HTMLTableRowElement {
  const tr = el("tr", "", { "data-event": e.id });
  const who = e.actor.address ?? e.actor.id ?? "—";
  tr.append(
    el("td", e.at.toLocaleString()),
    el("td", e.type),
    el("td", e.outcome),
    el("td", who),
    el("td", e.target ? `${e.target.type} ${e.target.id}` : ""),
    el("td", detailsText(e)),
  );
  return tr;
}

/**
 * The audit log: filters by event type, user (address or user id) and time range, newest first,
 * one page at a time (the server's cursor: "Older events" continues where the page ended).
 */
export function auditView(report: (error: unknown) => void): HTMLElement {
  const section = el("section", "", { "aria-labelledby": "audit-title", id: "audit" });
  const form = el("form", "", { class: "filters" });
  const type = el("select", "", { name: "type", id: "audit-type" });
  type.append(
    el("option", "any type", { value: "" }),
    ...EVENT_TYPES.map((t) => el("option", t, { value: t })),
  );
  const user = el("input", "", { name: "user", id: "audit-user", placeholder: "T… or usr_…" });
  const from = el("input", "", { name: "from", id: "audit-from", type: "datetime-local" });
  const to = el("input", "", { name: "to", id: "audit-to", type: "datetime-local" });
  form.append(
    field("Type", type),
    field("User (address or id)", user),
    field("From", from),
    field("To", to),
    el("button", "Search", { type: "submit", id: "audit-search" }),
  );
  const table = dataTable("Audit events", ["Time", "Type", "Outcome", "Actor", "Target", "Details"], []);
  table.id = "audit-table";
  const body = table.querySelector("tbody") ?? el("tbody");
  const more = el("button", "Older events", { type: "button", id: "audit-more" });
  more.hidden = true;
  const empty = el("p", "No events match these filters.", { id: "audit-empty" });
  empty.hidden = true;

  let filters = new URLSearchParams();
  let cursor: string | null = null;

  /** The filters as the API takes them: times in the browser's zone, made absolute. */
  const readFilters = () => {
    const q = new URLSearchParams({ limit: String(PAGE) });
    if (type.value) q.set("type", type.value);
    const who = user.value.trim();
    if (who) q.set(ADDRESS.test(who) ? "address" : "userId", who);
    if (from.value) q.set("from", new Date(from.value).toISOString());
    if (to.value) q.set("to", new Date(to.value).toISOString());
    return q;
  };

  const load = async (append: boolean) => {
    const q = new URLSearchParams(filters);
    if (append && cursor) q.set("cursor", cursor);
    try {
      const page = await auth.json(`/v1/admin/audit?${q}`, auditPageSchema);
      const rows = page.events.map(row);
      if (append) body.append(...rows);
      else body.replaceChildren(...rows);
      cursor = page.nextCursor;
      more.hidden = cursor === null;
      empty.hidden = body.childElementCount > 0;
    } catch (error) {
      report(error);
    }
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    filters = readFilters();
    void load(false);
  });
  more.addEventListener("click", () => void load(true));
  section.append(el("h3", "Audit log", { id: "audit-title" }), form, empty, table, more);
  filters = readFilters();
  void load(false);
  return section;
}
