// Import rules of roster (design.md, "Modules"), checked by `npm run lint:deps` inside `npm test`.
// Data flows one way: config -> desired + tenant -> plan -> render / apply. Type-only imports count.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A cycle means two modules cannot be understood (or tested) one without the other.",
      from: {},
      to: { circular: true },
    },
    {
      name: "emulator-stands-alone",
      severity: "error",
      comment:
        "The emulator is a second, independent reading of Graph's rules: it imports nothing of roster's, " +
        "so a misunderstanding in roster cannot be copied into its referee.",
      from: { path: "^packages/graph-emulator/" },
      to: { path: "^(src|test|scripts|bench)/" },
    },
    {
      name: "declared-dependencies-only",
      severity: "error",
      comment:
        "Every package imported is declared in the nearest package.json (the emulator's own for " +
        "packages/graph-emulator), so an install from the lockfile has it and the emulator shares no " +
        "dependency with roster by accident.",
      from: {},
      to: { dependencyTypes: ["npm-no-pkg", "npm-unknown"] },
    },
    {
      name: "emulator-through-its-entry-point",
      severity: "error",
      comment: "Roster, its tests, scripts and benchmark reach the emulator only as @roster/graph-emulator.",
      from: { path: "^(src|test|scripts|bench)/" },
      to: { path: "^packages/graph-emulator/src/" },
    },
    {
      name: "emulator-loaded-lazily",
      severity: "error",
      comment: "Only `roster emulator` loads the emulator, so `roster validate` never does.",
      from: { path: "^src/", pathNot: "^src/commands/emulator\\.ts$" },
      to: { path: "graph-emulator" },
    },
    {
      name: "commands-loaded-lazily",
      severity: "error",
      comment:
        "cli.ts loads each command when it runs (`await import`), so a command loads only what it uses.",
      from: { path: "^src/cli\\.ts$" },
      to: { path: "^src/commands/", dependencyTypesNot: ["dynamic-import", "type-only"] },
    },
    {
      name: "only-the-graph-client-speaks-http",
      severity: "error",
      comment:
        "One layer owns Graph traffic (auth, paging, batching, retries, typed errors): src/graph. " +
        "Nothing else imports its transport, the Graph SDK or Node's network modules.",
      from: { path: "^src/", pathNot: "^src/graph/" },
      to: {
        path: [
          "^src/graph/(transport|middleware|batch|retry|client)\\.ts$",
          "@microsoft/microsoft-graph-client",
          "^(node:)?(http|https|http2|net|tls|dns)$",
        ],
      },
    },
    {
      name: "plan-and-render-are-pure",
      severity: "error",
      comment:
        "The diff, the plan comparison and the views are pure functions: no files, network, processes " +
        "or environment (the `process` global is refused by Biome's noProcessGlobal there).",
      from: { path: "^src/(plan|render)/" },
      to: {
        dependencyTypes: ["core"],
        path: "^(node:)?(fs|fs/promises|http|https|http2|net|tls|child_process|process|os|worker_threads)$",
      },
    },
    {
      name: "plan-below-its-consumers",
      severity: "error",
      comment:
        "The plan is made from desired state and tenant; it knows nothing of how it is read, shown or applied.",
      from: { path: "^src/plan/" },
      to: { path: "^src/(apply|render|commands|session|graph|history|export|cli\\.ts)" },
    },
    {
      name: "tenant-below-plan",
      severity: "error",
      comment:
        "Reading the tenant does not depend on the plan, its views or apply (Graph facts live in src/entra).",
      from: { path: "^src/tenant/" },
      to: { path: "^src/(plan|apply|render|commands|session|history|export|cli\\.ts)" },
    },
    {
      name: "desired-below-tenant",
      severity: "error",
      comment: "The desired state is read offline: no Graph, no tenant, no plan.",
      from: { path: "^src/(desired|config|source|photos|entra)/" },
      to: { path: "^src/(graph|tenant|plan|apply|render|commands|session|history|export|cli\\.ts)" },
    },
    {
      name: "render-reads-data-only",
      severity: "error",
      comment: "Views read the plan and the apply report (data), never apply's flow, Graph or the session.",
      from: { path: "^src/render/" },
      to: { path: "^src/(apply/(?!report\\.ts$)|graph|tenant|commands|session|export|cli\\.ts)" },
    },
    {
      name: "export-beside-the-tenant-reader",
      severity: "error",
      comment:
        "`roster export` reads Graph through the slice of the client it declares (src/export/read.ts), " +
        "as the tenant reader does, and reuses the offline pieces (desired, entra, photos, source, the " +
        "plan's masking); it knows nothing of the tenant reader, apply, the views or the session.",
      from: { path: "^src/export/" },
      to: { path: "^src/(graph|tenant|apply|render|commands|session|history|cli\\.ts)" },
    },
    {
      name: "init-writes-files-only",
      severity: "error",
      comment:
        "`roster init` copies templates into a new folder: it reads no repository state and talks to no tenant.",
      from: { path: "^src/init/" },
      to: {
        path: "^src/(config|desired|source|entra|photos|graph|tenant|plan|apply|render|commands|session|history|export|cli\\.ts)",
      },
    },
    {
      name: "graph-knows-only-graph",
      severity: "error",
      comment:
        "The Graph client is the bottom of the network side: it knows HTTP and Graph, not roster's model.",
      from: { path: "^src/graph/" },
      to: {
        path: "^src/(config|source|desired|entra|photos|tenant|plan|render|apply|session|history|commands|cli\\.ts)",
      },
    },
    {
      name: "apply-below-session",
      severity: "error",
      comment:
        "Apply carries out plans; the session (sign-in, the plan pipeline) is handed to it by the command, " +
        "so apply can be tested without one.",
      from: { path: "^src/apply/" },
      to: { path: "^src/(session|commands|history|cli\\.ts)" },
    },
    {
      name: "commands-are-the-top",
      severity: "error",
      comment: "Commands wire flags to modules; no module imports a command.",
      from: { path: "^src/", pathNot: "^src/(commands/|cli\\.ts$|bin\\.ts$)" },
      to: { path: "^src/(commands/|cli\\.ts$)" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)dist/" },
    tsPreCompilationDeps: true,
    // The emulator's imports are checked against its own package.json, not roster's.
    combinedDependencies: false,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
    },
  },
};
