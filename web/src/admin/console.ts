import { type Me, problemFrom } from "@tron-auth/client";
import { canGrant, ROLES } from "@tron-auth/shared/auth";
import { userEnvelopeSchema, userPageSchema } from "@tron-auth/shared/protocol";
import * as z from "zod/mini";
import { el } from "../dom.ts";
import { explainProblem } from "../explain.ts";
import { auth } from "../session.ts";
import { auditView } from "./audit-view.ts";
import { walletView } from "./wallet-view.ts";

const lockdownSchema = z.object({
  lockdown: z.object({ signing: z.boolean(), sessions: z.optional(z.unknown()) }),
});

type User = z.infer<typeof userEnvelopeSchema>["user"];

const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

/**
 * The admin console: find a user by address, change roles, lock and unlock with a reason, the
 * audit log, the wallet, and (SUPER_ADMIN) the lockdown switch behind a confirmation. What it shows follows the caller's
 * permissions; the server checks every call again.
 */
export function mountConsole(root: HTMLElement, me: Me): void {
  const can = (p: string) => me.permissions.includes(p);
  const status = el("p", "", { role: "status", "aria-live": "polite", class: "status" });
  const report = (error: unknown) => {
    status.textContent = explainProblem(error).text;
  };

  const search = el("form", "", { class: "row" });
  const input = el("input", "", {
    id: "find-address",
    name: "address",
    "aria-label": "Address",
    placeholder: "T…",
  });
  search.append(
    el("label", "Find user by address", { for: "find-address" }),
    input,
    el("button", "Find", { type: "submit" }),
  );
  const result = el("div");

  function renderUser(user: User): void {
    const box = el("div", "", { class: "card", "data-user": user.address });
    box.append(
      el("p", `${user.address} — ${user.roles.join(", ")}${user.status ? ` (${user.status})` : ""}`),
    );
    // Only the roles the grant rules let this admin give this user (the server checks again; the
    // count of SUPER_ADMINs is the server's to know, so the last-one rule is left to it).
    const grantable = ROLES.filter(
      (role) =>
        canGrant({
          actorRoles: me.roles,
          actorId: me.id,
          targetId: user.id,
          targetCurrentRoles: user.roles,
          newRoles: [role],
          superAdminCount: Number.POSITIVE_INFINITY,
        }).ok,
    );
    if (can("roles:grant") && grantable.length > 0) {
      const select = el("select", "", { "aria-label": "Role", id: "role-select" });
      for (const role of grantable) {
        const option = el("option", role, { value: role });
        if (user.roles.includes(role)) option.selected = true;
        select.append(option);
      }
      const save = el("button", "Set role", { type: "button", id: "set-role" });
      save.addEventListener("click", async () => {
        try {
          const { user: updated } = await auth.json(
            `/v1/admin/users/${user.id}/roles`,
            userEnvelopeSchema,
            json("PUT", { roles: [select.value] }),
          );
          status.textContent = `Roles of ${updated.address}: ${updated.roles.join(", ")}`;
          result.replaceChildren(renderUserBox(updated));
        } catch (error) {
          report(error);
        }
      });
      box.append(select, save);
    }
    if (can("users:lock")) {
      const reason = el("input", "", { "aria-label": "Reason", placeholder: "reason", id: "lock-reason" });
      const lock = el("button", "Lock", { type: "button" });
      const unlock = el("button", "Unlock", { type: "button" });
      const act = (path: string) => async () => {
        try {
          const { user: updated } = await auth.json(
            `/v1/admin/users/${user.id}/${path}`,
            userEnvelopeSchema,
            json("POST", { reason: reason.value || "console" }),
          );
          result.replaceChildren(renderUserBox(updated));
        } catch (error) {
          report(error);
        }
      };
      lock.addEventListener("click", act("lock"));
      unlock.addEventListener("click", act("unlock"));
      box.append(reason, lock, unlock);
    }
    result.replaceChildren(box);
  }
  const renderUserBox = (user: User) => {
    renderUser(user);
    return result.firstChild ?? el("div");
  };

  search.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      // The API lists users by page; the console looks through the first page for the address.
      const { users } = await auth.json("/v1/admin/users?limit=200", userPageSchema);
      const found = users.find((u) => u.address === input.value.trim());
      if (found) renderUser(found);
      else result.replaceChildren(el("p", "No user with that address has signed in."));
    } catch (error) {
      report(error);
    }
  });

  root.replaceChildren(el("h2", "Administration"), status);
  if (can("users:read")) root.append(el("h3", "Users"), search, result);
  if (can("audit:read")) root.append(auditView(report));
  if (can("wallet:read")) root.append(walletView(can, report));
  if (can("lockdown:manage")) root.append(lockdownPanel(report));
  root.hidden = false;
}

function lockdownPanel(report: (error: unknown) => void): HTMLElement {
  const panel = el("section", "", { "aria-labelledby": "lockdown-title" });
  const banner = el("p", "Lockdown: wallet signing is frozen.", {
    class: "banner",
    role: "alert",
    id: "lockdown-banner",
  });
  banner.hidden = true;
  const engage = el("button", "Freeze signing…", { type: "button", id: "lockdown-engage" });
  const lift = el("button", "Lift lockdown", { type: "button", id: "lockdown-lift" });
  const show = (signing: boolean) => {
    banner.hidden = !signing;
    engage.hidden = signing;
    lift.hidden = !signing;
  };
  const call = async (init: RequestInit) => {
    try {
      show((await auth.json("/v1/admin/lockdown", lockdownSchema, init)).lockdown.signing);
    } catch (error) {
      report(error);
    }
  };
  engage.addEventListener("click", () => {
    // The confirmation step: an emergency brake must not be one stray click.
    if (window.confirm("Freeze all wallet signing now?")) void call(json("POST", { signing: true }));
  });
  lift.addEventListener("click", async () => {
    try {
      const res = await auth.fetch("/v1/admin/lockdown", { method: "DELETE" });
      if (!res.ok) throw await problemFrom(res);
      show(false);
    } catch (error) {
      report(error);
    }
  });
  panel.append(el("h3", "Lockdown", { id: "lockdown-title" }), banner, engage, lift);
  void call({ method: "GET" });
  return panel;
}
