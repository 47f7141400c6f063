#!/usr/bin/env node
// Runs the built CLI. `npm install` builds it (the `prepare` script).
import('../dist/cli/main.js').then(
  (cli) => cli.main(process.argv),
  (error) => {
    if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
      process.stderr.write(
        'otrace: the CLI is not built yet; run `npm install` (or `npm run build`) in the otrace folder\n',
      );
    } else {
      process.stderr.write(`otrace: could not start: ${error?.message ? error.message : error}\n`);
    }
    process.exitCode = 2;
  },
);
