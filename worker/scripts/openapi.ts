/**
 * `npm run openapi`: writes worker/src/openapi/openapi.json, the document /openapi.json serves,
 * from the route specs and zod schemas the app is built from. Generated ahead of time because
 * turning schemas into JSON Schema (zod's toJSONSchema) is about 7 KiB gzip of code the worker
 * would otherwise carry only to answer this one route; `--check` fails when the committed file
 * differs from what the code says (a test runs it).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createApp } from "../src/app.ts";
import { routeSpecsOf } from "../src/http/routes.ts";
import { buildOpenApi, OPENAPI_VERSION_PLACEHOLDER } from "../src/openapi/document.ts";

export const OPENAPI_FILE = join(import.meta.dirname, "..", "src", "openapi", "openapi.json");

export function generatedOpenApi(): string {
  return `${JSON.stringify(buildOpenApi(routeSpecsOf(createApp()), OPENAPI_VERSION_PLACEHOLDER), null, 2)}\n`;
}

if (import.meta.main) {
  const text = generatedOpenApi();
  if (process.argv.includes("--check")) {
    if (readFileSync(OPENAPI_FILE, "utf8") !== text) {
      process.stderr.write("worker/src/openapi/openapi.json is out of date: run `npm run openapi`\n");
      process.exit(1);
    }
  } else {
    writeFileSync(OPENAPI_FILE, text);
    process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
  }
}
