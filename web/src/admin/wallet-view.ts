import {
  type WalletPolicy,
  walletInfoSchema,
  walletPolicySchema,
  walletSignaturesSchema,
} from "@tron-auth/shared/protocol";
import { el } from "../dom.ts";
import { auth } from "../session.ts";

const SUN_PER_TRX = 1_000_000n;
const trx = (sun: string) => {
  const value = BigInt(sun);
  const fraction = (value % SUN_PER_TRX).toString().padStart(6, "0").replace(/0+$/, "");
  return `${value / SUN_PER_TRX}${fraction ? `.${fraction}` : ""} TRX`;
};

/** A labelled list of facts (term, value). */
function facts(entries: [string, string][]): HTMLDListElement {
  const dl = el("dl");
  for (const [term, value] of entries) dl.append(el("dt", term), el("dd", value));
  return dl;
}

/** A table whose head is `columns`, scrollable on its own on a narrow screen. */
export function dataTable(label: string, columns: string[], rows: HTMLTableRowElement[]): HTMLElement {
  const table = el("table");
  const head = el("tr");
  for (const c of columns) head.append(el("th", c, { scope: "col" }));
  const thead = el("thead");
  thead.append(head);
  const body = el("tbody");
  body.append(...rows);
  table.append(thead, body);
  // A keyboard user must reach what scrolls: the region takes focus and is named.
  const region = el("div", "", { class: "scroll", tabindex: "0", role: "region", "aria-label": label });
  region.append(table);
  return region;
}

function policyFacts(p: WalletPolicy): HTMLElement {
  const box = el("div", "", { id: "wallet-policy" });
  box.append(
    facts([
      ["Allowed transaction types", p.allowedTypes.join(", ") || "none"],
      ["Per transaction", trx(p.maxPerTransactionSun)],
      ["Per 24 hours", trx(p.maxPer24hSun)],
      ["Derivation paths", [p.defaultPath, ...p.allowedPaths.filter((x) => x !== p.defaultPath)].join(", ")],
      ["Contracts (not decoded)", p.allowedContracts.join(", ") || "none"],
    ]),
  );
  if (p.tokens.length > 0)
    box.append(
      dataTable(
        "TRC-20 tokens",
        ["Token", "Address", "Calls", "Per transaction", "Per 24 hours"],
        p.tokens.map((t) => {
          const tr = el("tr");
          tr.append(
            el("td", t.symbol),
            el("td", t.address),
            el("td", t.methods.join(", ")),
            el("td", `${t.maxPerTransaction} units`),
            el("td", `${t.maxPer24h} units`),
          );
          return tr;
        }),
      ),
    );
  return box;
}

/**
 * The wallet: the device's status and the signing policy (wallet:read), and every user's recent
 * signatures with what each signed, decoded by the bridge (audit:read: who signed what is audit
 * data). Each part is shown only to those whose permissions read it; the server decides again.
 */
export function walletView(can: (p: string) => boolean, report: (error: unknown) => void): HTMLElement {
  const section = el("section", "", { "aria-labelledby": "wallet-title", id: "wallet" });
  const status = el("div", "", { id: "wallet-status" });
  const policy = el("div");
  const recent = el("div", "", { id: "wallet-signatures" });
  section.append(el("h3", "Wallet", { id: "wallet-title" }), status, el("h4", "Signing policy"), policy);
  if (can("audit:read")) section.append(el("h4", "Recent signatures (last 24 hours)"), recent);
  const refresh = el("button", "Refresh wallet", { type: "button", id: "wallet-refresh" });
  section.append(refresh);

  const load = async () => {
    try {
      const [info, rules] = await Promise.all([
        auth.json("/v1/wallet", walletInfoSchema),
        auth.json("/v1/wallet/policy", walletPolicySchema),
      ]);
      status.replaceChildren(
        facts([
          ["Device", `${info.driver}: ${info.status}`],
          ["App version", info.appVersion ?? "unknown"],
          ["Address", info.address ?? "not available"],
          ["Waiting for the device", String(info.pending)],
        ]),
      );
      policy.replaceChildren(policyFacts(rules));
      if (!can("audit:read")) return;
      const { signatures } = await auth.json("/v1/wallet/signatures?limit=20", walletSignaturesSchema);
      recent.replaceChildren(
        signatures.length === 0
          ? el("p", "Nothing was signed in the last 24 hours.")
          : dataTable(
              "Recent signatures",
              ["Time", "User", "Kind", "Outcome", "What was signed"],
              signatures.map((s) => {
                const tr = el("tr", "", { "data-operation": s.id });
                tr.append(
                  el("td", new Date(s.createdAt).toLocaleString()),
                  el("td", s.userId),
                  el("td", s.kind),
                  el("td", s.problemCode ? `${s.status} (${s.problemCode})` : s.status),
                  el("td", s.summary?.text ?? ""),
                );
                return tr;
              }),
            ),
      );
    } catch (error) {
      report(error);
    }
  };
  refresh.addEventListener("click", () => void load());
  void load();
  return section;
}
