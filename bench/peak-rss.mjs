// Preloaded into each measured process (node --import): reports its peak resident set size on exit.
process.on('exit', () => {
  process.stderr.write(`\nbench:maxRSS=${process.resourceUsage().maxRSS}\n`);
});
