import { createAuthClient, webStorageStore } from "@tron-auth/client";

/**
 * The pages' client: same origin as the API, the pair in localStorage so every tab shares one
 * session (README "Where the refresh token lives" gives the reasons against an HttpOnly cookie).
 */
export const auth = createAuthClient({ baseUrl: "", store: webStorageStore(localStorage) });
