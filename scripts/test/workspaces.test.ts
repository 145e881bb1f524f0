import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const readJson = <T>(path: string) => JSON.parse(readFileSync(join(ROOT, path), "utf8")) as T;

type Manifest = {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};

const folders = readJson<{ workspaces: string[] }>("package.json").workspaces;
const manifests = new Map(folders.map((folder) => [folder, readJson<Manifest>(`${folder}/package.json`)]));
const folderOf = new Map([...manifests].map(([folder, m]) => [m.name, folder]));

/** The workspaces a workspace declares it uses, as folders. */
function declared(folder: string): string[] {
  const m = manifests.get(folder);
  const names = Object.keys({ ...m?.dependencies, ...m?.devDependencies, ...m?.optionalDependencies });
  return names.flatMap((name) => folderOf.get(name) ?? []);
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return ["node_modules", "dist"].includes(entry.name) ? [] : sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every module specifier a file imports, statically or dynamically. */
function specifiers(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].flatMap((m) => m[1] ?? []);
}

/** What a workspace's code actually uses: other workspaces by package name or by a relative path. */
function used(folder: string): { file: string; target: string }[] {
  const root = join(ROOT, folder);
  return sources(root).flatMap((file) =>
    specifiers(file).flatMap((spec) => {
      const byName = /^(@tron-auth\/[a-z-]+)/.exec(spec)?.[1];
      const target = byName
        ? folderOf.get(byName)
        : spec.startsWith(".")
          ? relative(ROOT, resolve(dirname(file), spec)).split("/")[0]
          : undefined;
      return target && target !== folder ? [{ file: relative(ROOT, file), target }] : [];
    }),
  );
}

describe("workspaces", () => {
  it("import only workspaces they declare, by package name, never by a path into another folder", () => {
    const undeclared = folders.flatMap((folder) =>
      used(folder)
        .filter(({ target }) => !declared(folder).includes(target))
        .map(({ file, target }) => `${file} -> ${target}`),
    );
    expect(undeclared).toEqual([]);
  });

  it("keep the worker independent of the bridge and of the local stack, even for its tests", () => {
    expect(declared("worker")).toEqual(["shared"]);
  });

  it("depend on each other without a cycle (the stack composes; nothing depends on it)", () => {
    const visiting = new Set<string>();
    const cycles: string[] = [];
    const visit = (folder: string, path: string[]) => {
      if (path.includes(folder)) return cycles.push([...path, folder].join(" -> "));
      if (visiting.has(folder)) return;
      visiting.add(folder);
      for (const next of declared(folder)) visit(next, [...path, folder]);
    };
    for (const folder of folders) visit(folder, []);
    expect(cycles).toEqual([]);
    expect(folders.filter((folder) => declared(folder).includes("stack"))).toEqual([]);
  });

  it("reference in their tsconfig exactly the workspaces they declare, so tsc -b builds in order", () => {
    for (const folder of folders) {
      const { references = [] } = readJson<{ references?: { path: string }[] }>(`${folder}/tsconfig.json`);
      const referenced = references.map((r) => relative(ROOT, resolve(ROOT, folder, r.path))).sort();
      expect([folder, referenced]).toEqual([folder, [...declared(folder)].sort()]);
    }
  });

  it("are each type-checked by the root tsconfig and tested by a root vitest project of their name", () => {
    const { references } = readJson<{ references: { path: string }[] }>("tsconfig.json");
    const checked = references.map((r) => relative(ROOT, resolve(ROOT, r.path)));
    const vitest = readFileSync(join(ROOT, "vitest.config.ts"), "utf8");
    const projects = [...(/projects:\s*\[([^\]]*)\]/.exec(vitest)?.[1] ?? "").matchAll(/"([^"]+)"/g)].map(
      (m) => m[1] ?? "",
    );
    // The worker's project is defined by the stack (stack/worker-tests): its tests need the bridge.
    const names = projects.map((project) => {
      const config = readFileSync(join(ROOT, project, "vitest.config.ts"), "utf8");
      return /name:\s*"([^"]+)"/.exec(config)?.[1];
    });
    for (const folder of folders) {
      expect([folder, checked.includes(folder)]).toEqual([folder, true]);
      expect([folder, names.includes(folder)]).toEqual([folder, true]);
    }
  });
});

describe("README, Repository layout", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Repository layout"));
  const tree = /```\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
  const named = [...tree.matchAll(/^([.\w-]+)\/\s/gm)].map((m) => m[1] ?? "");

  it("names every workspace and every other top-level folder of the repository", () => {
    const files = spawnSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" }).stdout.split("\n");
    const tracked = new Set(files.filter((f) => f.includes("/")).map((f) => f.split("/")[0] ?? ""));
    expect(tracked.size).toBeGreaterThan(5);
    expect([...tracked].filter((folder) => !named.includes(folder))).toEqual([]);
  });

  it("names only folders that exist", () => {
    expect(named.filter((folder) => !existsSync(join(ROOT, folder)))).toEqual([]);
  });
});

describe("entry points", () => {
  it("run files that exist: the npm scripts, their shell wrappers and .ci/run", () => {
    const manifests = ["package.json", ...folders.map((folder) => `${folder}/package.json`)];
    const commands = manifests.flatMap((m) => Object.values(readJson<{ scripts?: object }>(m).scripts ?? {}));
    const shells = ["scripts/start.sh", "scripts/test.sh", ".ci/run"].map((f) =>
      readFileSync(join(ROOT, f), "utf8"),
    );
    const files = [...commands, ...shells].flatMap((text) =>
      [...String(text).matchAll(/(?:^|\s)([\w./-]+\.(?:ts|sh))(?=\s|$|")/gm)].map((m) => m[1] ?? ""),
    );
    expect(files.length).toBeGreaterThan(5);
    expect(files.filter((file) => !existsSync(join(ROOT, file)))).toEqual([]);
  });
});
