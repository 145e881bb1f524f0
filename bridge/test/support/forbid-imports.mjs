// Preloaded with `node --import`: any import or require of a package named in FORBID_IMPORTS
// (comma-separated) throws, so a test can prove that a start-up path never loads it.
// Plain JavaScript: it must load under --no-experimental-strip-types too.
import { registerHooks } from "node:module";

const forbidden = (process.env.FORBID_IMPORTS ?? "").split(",").filter(Boolean);

registerHooks({
  resolve(specifier, context, next) {
    if (forbidden.some((name) => specifier === name || specifier.startsWith(`${name}/`)))
      throw new Error(`forbidden import: ${specifier}`);
    return next(specifier, context);
  },
});
