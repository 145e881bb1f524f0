import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "upstash-rest",
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
