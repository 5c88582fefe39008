// Builds static/vendor/codemirror.js (one minified IIFE bundle, global `CodeMirror`) from codemirror.mjs,
// and static/vendor/LICENSES.txt (the name, version, licence and licence text of every package in it).
// Run with `make vendor` (or `npm ci && npm run build` here). The output is committed: nothing at run
// time or test time needs npm.
import { build } from "esbuild";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const vendor = join(here, "..", "static", "vendor");
const outfile = join(vendor, "codemirror.js");

const result = await build({
  entryPoints: [join(here, "codemirror.mjs")],
  outfile,
  bundle: true,
  format: "iife",
  globalName: "CodeMirror",
  target: "es2020",
  minify: true,
  legalComments: "none", // the licences are in LICENSES.txt, named in the banner
  metafile: true,
  banner: { js: "/* CodeMirror 6 for Journeymail's email editor: built by frontend/build.mjs (make vendor). "
                + "Packages, versions and licences: static/vendor/LICENSES.txt. */" },
});

// The packages that ended up in the bundle, from the files esbuild read.
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (!match || packages.has(match[1])) continue;
  const root = join(here, "node_modules", match[1]);
  const meta = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  packages.set(match[1], { version: meta.version, license: meta.license, text: readFileSync(join(root, "LICENSE"), "utf8").trim() });
}
const names = [...packages.keys()].sort();
const licences = [
  "Third-party code in static/vendor/codemirror.js, built by frontend/build.mjs (make vendor).",
  "",
  ...names.map((name) => `${name} ${packages.get(name).version} (${packages.get(name).license})`),
  "",
  ...names.flatMap((name) => ["=".repeat(78), `${name} ${packages.get(name).version}`, "", packages.get(name).text, ""]),
];
writeFileSync(join(vendor, "LICENSES.txt"), licences.join("\n"));

// The page's Content-Security-Policy has script-src 'self' and no 'unsafe-eval': refuse a bundle that needs it.
const code = readFileSync(outfile, "utf8");
if (/\beval\s*\(|\bnew Function\s*\(|\bFunction\s*\(\s*["'`]/.test(code)) {
  throw new Error("The bundle calls eval or new Function, which the page's CSP forbids.");
}
console.log(`${outfile}: ${(code.length / 1024).toFixed(0)} KB, ${names.length} packages`);
