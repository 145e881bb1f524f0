import { defineConfig } from "vitest/config";

// One run covers every workspace; each has its own config (the worker's runs inside workerd).
export default defineConfig({
  test: {
    projects: ["shared", "infra", "bridge", "worker", "scripts"],
  },
});
