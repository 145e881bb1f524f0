import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");

type Module = { file: string; text: string; imports: string[] };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every module below `src` with the modules it imports (relative ones, resolved; packages as named). */
function modulesOf(src: string): Module[] {
  return sourceFiles(join(ROOT, src)).map((path) => {
    const text = readFileSync(path, "utf8");
    // Static, type-only, re-exports and dynamic imports alike: a type import is a dependency too.
    const { importedFiles } = ts.preProcessFile(text, true, true);
    const imports = importedFiles.map(({ fileName }) =>
      fileName.startsWith(".")
        ? relative(join(ROOT, src), normalize(join(dirname(path), fileName)))
        : fileName,
    );
    return { file: relative(join(ROOT, src), path), text, imports };
  });
}

/** A file's top-level folder under src; the files directly in src are their own group, ".". */
const groupOf = (file: string) => (file.includes(sep) ? (file.split(sep)[0] ?? ".") : ".");

/** The folder graph's cycles (strongly connected groups), each with the imports that close it. */
function folderCycles(modules: readonly Module[]): string[][] {
  const edges = new Map<string, Map<string, string>>();
  for (const m of modules) {
    for (const target of m.imports) {
      if (target.startsWith("@") || !target.endsWith(".ts")) continue;
      const [from, to] = [groupOf(m.file), groupOf(target)];
      if (from === to) continue;
      const out = edges.get(from) ?? new Map<string, string>();
      if (!out.has(to)) out.set(to, `${m.file} -> ${target}`);
      edges.set(from, out);
    }
  }
  // Tarjan: a component of more than one folder is a cycle between folders.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const components: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node) ?? 0);
    stack.push(node);
    for (const next of edges.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (stack.includes(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (let top = stack.pop(); top !== undefined; top = top === node ? undefined : stack.pop()) {
      component.push(top);
    }
    if (component.length > 1) components.push(component);
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return components.map((component) =>
    component.flatMap((from) =>
      [...(edges.get(from) ?? [])].filter(([to]) => component.includes(to)).map(([, via]) => via),
    ),
  );
}

describe("no import cycle between the top-level folders of a deployable", () => {
  for (const src of ["worker/src", "bridge/src"]) {
    it(`${src}: folders (and the files directly in src, as one group) import each other one way only`, () => {
      expect(folderCycles(modulesOf(src))).toEqual([]);
    });
  }

  it("finds a cycle when there is one (the check itself)", () => {
    const modules: Module[] = [
      { file: join("a", "x.ts"), text: "", imports: [join("b", "y.ts")] },
      { file: join("b", "y.ts"), text: "", imports: ["root.ts"] },
      { file: "root.ts", text: "", imports: [join("a", "x.ts")] },
      { file: join("c", "z.ts"), text: "", imports: [join("a", "x.ts")] },
    ];
    expect(folderCycles(modules).map((c) => c.length)).toEqual([3]);
  });
});

describe("the worker's session state has one owner", () => {
  const worker = modulesOf("worker/src");
  const outside = (folder: string) => worker.filter((m) => groupOf(m.file) !== folder);

  it("names session, role-change and lockdown-epoch keys only in sessions/keys.ts", () => {
    const sessionKey = /["'`]ta:(sess:|usess:|grace:|sessions:|roles:)/;
    const naming = worker.filter((m) => sessionKey.test(m.text)).map((m) => m.file);
    expect(naming).toEqual([join("sessions", "keys.ts")]);
  });

  it("lets nothing outside sessions/ import its keys, scripts, record format or caches", () => {
    const internals = [
      "keys.ts",
      "scripts.ts",
      "record.ts",
      "record-mac.ts",
      "epoch.ts",
      "role-changes.ts",
      "liveness-cache.ts",
      "grace-box.ts",
      "stored-json.ts",
    ].map((f) => join("sessions", f));
    const reaching = outside("sessions").flatMap((m) =>
      m.imports.filter((i) => internals.includes(i)).map((i) => `${m.file} -> ${i}`),
    );
    expect(reaching).toEqual([]);
  });

  it("keeps the lockdown's Redis hash in lockdown/", () => {
    const users = outside("lockdown").filter((m) => m.text.includes("LOCKDOWN_KEY"));
    expect(users.map((m) => m.file)).toEqual([]);
  });
});

describe("code says why in place", () => {
  it("cites no design document outside the repository in source comments", () => {
    const citing = ["worker/src", "bridge/src", "shared/src"].flatMap((src) =>
      modulesOf(src)
        .filter((m) => /DESIGN\b/.test(m.text))
        .map((m) => join(src, m.file)),
    );
    expect(citing).toEqual([]);
  });

  it("names a Lua script's KEYS and ARGV in locals at its top, never by number in its body", () => {
    const byNumber = /\b(KEYS|ARGV)\[[0-9]+\]/;
    const lines = modulesOf("worker/src").flatMap((m) =>
      m.text
        .split("\n")
        .map((line, i) => ({ line: line.trim(), at: `${m.file}:${i + 1}` }))
        .filter(({ line }) => byNumber.test(line) && !line.startsWith("local ") && !line.startsWith("--")),
    );
    expect(lines.map((l) => `${l.at}: ${l.line}`)).toEqual([]);
  });
});
