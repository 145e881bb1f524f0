import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "stack",
    include: ["test/**/*.test.ts"],
    environment: "node",
    // The local-stack test starts `npm start` and `wrangler dev` from cold.
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
