// Lint rules are the recommended sets; type-aware rules are left to `yarn typecheck`, which is faster.
// Then the packages' boundaries: each README's "Never:" line as import restrictions (`areas` below), and its
// "print", "parse argv" and "exit" as restricted console and process properties (`terminal` below);
// test/boundaries.test.ts shows that they fire.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Kinds of import a package may be forbidden: a regular expression on the import's source, and why. */
const never = {
  tfjs: { regex: "^@tensorflow/", message: "no tfjs here" },
  // The tsa packages whose entry points load tfjs; a type-only import of them loads nothing.
  tfjsPackages: {
    regex: "^@tsa/(models|kernels|runner)$",
    allowTypeImports: true,
    message: "this package loads tfjs (a type import is fine)",
  },
  tfjsBackends: { regex: "^@tensorflow/tfjs-(backend-|node)", message: "the tfjs backend is chosen by @tsa/models" },
  // better-sqlite3-12 and -13: the tracker's better-sqlite3.ts loads the one for the running Node.
  sqlite: { regex: "^(better-sqlite3(-\\d+)?|pg)$", message: "only @tsa/tracker speaks SQL" },
  tracker: { regex: "^@tsa/tracker$", message: "no database here" },
  // The report reads the tracker's result types (`ExperimentResults`) but never opens a store.
  trackerValues: { regex: "^@tsa/tracker$", allowTypeImports: true, message: "no database here (a type import is fine)" },
  fs: { regex: "^(node:)?fs(/promises)?$", message: "no file system here" },
  anyTsa: { regex: "^@tsa/", message: "no other tsa package" },
  tsaButErrors: { regex: "^@tsa/(?!errors$)", message: "@tsa/data comes first in the data flow: only @tsa/errors is before it" },
  // The store speaks only its own entities (runs, epochs, metrics, attention samples): the runner maps onto them.
  trackerTsa: { regex: "^@tsa/(?!errors$)", message: "the store knows only its own entities; only @tsa/errors is below it" },
  anyPackage: { regex: "^(?!\\.|node:|vitest$|@tsa/)", message: "no other package" },
  // config.ts and model-spec.ts are what the runner's validator and the report load from @tsa/models: no tfjs.
  modelsButSpec: {
    regex: "^\\./(?!(config|model-spec)\\.js$)",
    allowTypeImports: true,
    message: "another file of @tsa/models may load tfjs (a type import is fine)",
  },
  terminal: { regex: "^(yargs|cli-progress)(/|$)", message: "argv and the terminal belong to @tsa/cli" },
  // main.ts wires the commands; a command importing it (even a type) makes an import circle.
  cliMain: {
    regex: "^(\\.\\.?/)+main\\.js$",
    message: "main.ts imports the commands, never the other way (GlobalOptions is in options.ts)",
  },
  // `../../models/src/x.js` or `@tsa/models/src/x.js` reaches past the other package's public surface.
  deep: {
    regex: "^((\\.\\./)+(packages/)?[^./][^/]*|@tsa/[^/]+)/src(/|$)",
    message: "import another package by its name (`@tsa/data`), not its src/",
  },
};

/** For every file but their owner's: the tracker's better-sqlite3 and pg, the CLI's yargs and cli-progress. */
const everyone = [never.deep, never.sqlite, never.terminal];

/**
 * Each package's "Never:" line (its README) as imports. A later area overrides an earlier one for its
 * files (flat config replaces a rule's options, it does not merge them), so each lists all it forbids.
 * The rule sees static imports and re-exports only, not `await import(...)`.
 */
const areas = [
  { name: "@tsa/errors", files: "packages/errors/**", never: [never.anyTsa, never.anyPackage] },
  { name: "@tsa/data", files: "packages/data/**", never: [never.fs, never.tfjs, never.tsaButErrors] },
  { name: "@tsa/kernels", files: "packages/kernels/**", never: [never.anyTsa, never.fs, never.tfjsBackends] },
  { name: "@tsa/models", files: "packages/models/**", never: [never.fs, never.tracker] },
  {
    name: "@tsa/models config.ts, model-spec.ts",
    files: "packages/models/src/{config,model-spec}.ts",
    never: [never.fs, never.tracker, never.tfjs, never.tfjsPackages, never.modelsButSpec],
  },
  { name: "@tsa/tracker", files: "packages/tracker/**", owns: [never.sqlite], never: [never.tfjs, never.trackerTsa] },
  { name: "@tsa/runner", files: "packages/runner/**", never: [] },
  { name: "@tsa/report", files: "packages/report/**", never: [never.tfjs, never.tfjsPackages, never.fs, never.trackerValues] },
  // `@tsa/report/testing` drives a browser over files; html.ts reads vega's browser builds out of
  // node_modules to inline them (package files, not the user's).
  { name: "@tsa/report", files: "packages/report/src/{testing/**,html.ts}", never: [never.tfjs, never.tfjsPackages, never.trackerValues] },
  // The UI reads the store through @tsa/tracker's RunBrowser and draws with @tsa/report: no tfjs, no SQL.
  { name: "@tsa/ui", files: "packages/ui/**", never: [never.tfjs, never.tfjsPackages] },
  { name: "@tsa/cli", files: "packages/cli/**", owns: [never.terminal], never: [never.cliMain] },
  // The query commands only read the database and print; loading tfjs would make each take seconds.
  {
    name: "@tsa/cli query commands",
    files: "packages/cli/src/{commands/{runs,show,sql,table,export,ui}.ts,format/**}",
    owns: [never.terminal],
    never: [never.tfjs, never.tfjsPackages, never.cliMain],
  },
  { name: "bench", files: "bench/**", never: [] },
];

/** Tests, their helpers and benchmarks may open a database to check what was written, write files and pick the backend they run on. */
const tests = ["**/test/**", "**/*.test.ts", "**/*test-support.ts", "packages/*/bench/**"];
const testsMay = [never.sqlite, never.fs, never.tfjsBackends];

function boundary(name, files, forbidden) {
  const patterns = forbidden.map(({ message, ...rest }) => ({ ...rest, message: `${name}: ${message}.` }));
  return { name: `boundaries ${name}`, files, rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns }] } };
}
const forbiddenIn = (area) => [...everyone.filter((r) => !(area.owns ?? []).includes(r)), ...area.never];

/**
 * "Never: print, parse argv" (runner, tracker, errors) and "exit" (errors) beyond imports: the terminal, argv
 * and the exit code belong to @tsa/cli; its tests and benchmarks may print too.
 */
const terminal = (name, extra = []) => [
  ...["stdout", "stderr"].map((property) => ({ object: "process", property, message: `${name}: the terminal belongs to @tsa/cli.` })),
  { object: "process", property: "argv", message: `${name}: argv belongs to @tsa/cli.` },
  ...extra,
];
const quiet = ["errors", "data", "kernels", "models", "tracker", "runner", "report", "ui"];
const exit = { object: "process", property: "exit", message: "@tsa/errors: the exit code is the CLI's (`exitCode` on the error class)." };
const quietRules = (name, files, extra) => ({
  name: `terminal ${name}`,
  files,
  ignores: tests,
  rules: { "no-console": "error", "no-restricted-properties": ["error", ...terminal(name, extra)] },
});

export default tseslint.config(
  // Archive problems in the sktime/aeon `.ts` format are data, not TypeScript.
  { ignores: ["**/node_modules/**", "**/dist/**", "**/build/**", "reports/**", "results/**", "datasets/**", "**/test/fixtures/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
    },
  },
  ...areas.map((area) => boundary(area.name, [area.files], forbiddenIn(area))),
  ...areas.map((area) =>
    boundary(
      `${area.name} tests`,
      tests.map((t) => [area.files, t]),
      forbiddenIn(area).filter((r) => !testsMay.includes(r)),
    ),
  ),
  ...quiet.map((p) => quietRules(`@tsa/${p}`, [`packages/${p}/src/**`])),
  quietRules("@tsa/errors", ["packages/errors/src/**"], [exit]),
);
