import type { Me, SessionInfo } from "@tron-auth/client";
import { byId, el, say } from "./dom.ts";
import { explainProblem } from "./explain.ts";
import { auth } from "./session.ts";

const ADMIN_ROLES = new Set(["ADMIN", "SUPER_ADMIN"]);
let consoleLoaded = false;

function toSignIn(reason: string): void {
  location.replace(`/?ended=${encodeURIComponent(reason)}`);
}

function renderMe(me: Me): void {
  byId("address").textContent = me.address;
  byId("roles").textContent = me.roles.join(", ");
  byId("permissions").replaceChildren(...me.permissions.map((p) => el("li", p)));
}

function renderSessions(sessions: SessionInfo[]): void {
  const rows = sessions.map((s) => {
    const row = el("tr");
    const when = new Date(s.lastUsedAt).toLocaleString();
    row.append(
      el("td", s.current ? `${s.userAgent} (this browser)` : s.userAgent),
      el("td", s.ip),
      el("td", when),
    );
    const cell = el("td", "", { class: "action" });
    if (!s.current) {
      const revoke = el("button", "Revoke", { type: "button", "data-session": s.id });
      revoke.addEventListener("click", () => revokeSession(s.id));
      cell.append(revoke);
    }
    row.append(cell);
    return row;
  });
  byId("sessions").replaceChildren(...rows);
}

async function revokeSession(id: string): Promise<void> {
  try {
    await auth.revokeSession(id);
    await load();
  } catch (error) {
    say("status", explainProblem(error).text);
  }
}

/** Reads everything again; a session ended elsewhere signs this page out (via the client's events). */
async function load(): Promise<void> {
  try {
    const [me, sessions] = await Promise.all([auth.me(), auth.sessions()]);
    renderMe(me);
    renderSessions(sessions);
    say("status", "");
    if (!consoleLoaded && me.roles.some((r) => ADMIN_ROLES.has(r))) {
      consoleLoaded = true;
      // Only administrators download the console; the server still decides every call.
      const { mountConsole } = await import("./admin/console.ts");
      mountConsole(byId("admin"), me);
    }
  } catch (error) {
    if (!auth.session()) return;
    say("status", explainProblem(error).text);
  }
}

auth.subscribe((session) => {
  if (!session) toSignIn("signed-out");
});

if (!auth.session()) toSignIn("no-session");
else {
  byId("signout").addEventListener("click", async () => {
    await auth.logout().catch(() => undefined);
  });
  byId("reload").addEventListener("click", () => void load());
  // A role changed by an admin shows on the next request: on focus, and every 15 s while visible.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") void load();
  });
  setInterval(() => {
    if (document.visibilityState === "visible") void load();
  }, 15_000);
  void load();
}
