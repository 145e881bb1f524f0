import type { AuditChainReport } from "@tron-auth/shared/protocol";
import { describe, expect, it } from "vitest";
import { actorWithRole, call, login, newWallet } from "./support/edge.ts";

const VERIFY = "/v1/admin/audit/verify";

describe("audit chain verification through the admin API", () => {
  it("reports an intact chain to an ADMIN, its head moving on as events are appended", async () => {
    const admin = await actorWithRole("ADMIN");
    const first = await call<AuditChainReport>(VERIFY, { token: admin.pair.accessToken });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ ok: true, failure: null });
    expect(first.body.checked).toBeGreaterThan(0);
    const before = first.body.head?.seq ?? 0;
    expect(first.body.head?.link).toMatch(/^[A-Za-z0-9_-]{43}$/);

    await login(await newWallet()); // a login_success event at the bridge
    const second = await call<AuditChainReport>(VERIFY, { token: admin.pair.accessToken });
    expect(second.body.ok).toBe(true);
    expect(second.body.head?.seq).toBeGreaterThan(before);
  });

  it("refuses a USER and a NODE_OPERATOR (403) and an anonymous caller (401), and unknown parameters (400)", async () => {
    const user = await actorWithRole("USER");
    const refused = await call(VERIFY, { token: user.pair.accessToken });
    expect([refused.status, refused.body.code]).toEqual([403, "forbidden"]);
    const operator = await actorWithRole("NODE_OPERATOR");
    expect((await call(VERIFY, { token: operator.pair.accessToken })).status).toBe(403);
    expect((await call(VERIFY)).status).toBe(401);
    const admin = await actorWithRole("ADMIN");
    const bad = await call(`${VERIFY}?from=yesterday`, { token: admin.pair.accessToken });
    expect([bad.status, bad.body.code]).toEqual([400, "validation_failed"]);
  });
});
