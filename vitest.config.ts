import { defineConfig } from "vitest/config";

// One run covers every workspace; each has its own config. The worker's tests run inside workerd
// on the whole local stack, so their project is defined by the stack (stack/worker-tests).
export default defineConfig({
  test: {
    projects: [
      "shared",
      "pki",
      "launchers",
      "upstash-rest",
      "bridge",
      "worker/unit",
      "stack/worker-tests",
      "stack/client-tests",
      "stack/web-tests",
      "stack",
      "scripts",
    ],
  },
});
