import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "bridge",
    include: ["test/**/*.test.ts"],
    environment: "node",
    globalSetup: ["test/setup/mongo.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
