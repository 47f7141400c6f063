import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

/**
 * The README must stay true: every `otrace <command>` it shows names a real command, and every
 * long flag shown with it (in examples and option tables) is one that command's --help lists.
 */
const README = readFileSync('README.md', 'utf8');

function shownCommands(): { command: string; flags: string[] }[] {
  const out: { command: string; flags: string[] }[] = [];
  for (const block of README.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block[1]!.split('\n')) {
      const match = line.match(/(?:^|\|\s*|\s)(?:npx )?otrace (\w[\w-]*)(.*)$/);
      if (!match) continue;
      const code = match[2]!.split('#')[0]!.split('|')[0]!;
      out.push({
        command: match[1]!,
        flags: [...code.matchAll(/(?<![\w-])(--[a-z][a-z-]*)/g)].map((m) => m[1]!),
      });
    }
  }
  return out;
}

/**
 * Flags in the option tables, with the command whose `###` section holds the table; a section
 * that names no command (backends) is about `show`.
 */
function tableFlags(): { command: string; flags: string[] }[] {
  const out: { command: string; flags: string[] }[] = [];
  for (const section of README.split(/^### /m).slice(1)) {
    const command = section.match(/^`otrace ([\w-]+)/)?.[1] ?? 'show';
    const rows = section.split('\n').filter((l) => l.startsWith('| `'));
    const flags = rows.flatMap((row) =>
      [...row.split('|')[1]!.matchAll(/(--[a-z][a-z-]*)/g)].map((m) => m[1]!),
    );
    out.push({ command, flags });
  }
  return out;
}

describe('README', () => {
  const shown = [...shownCommands(), ...tableFlags()];

  it('shows commands at all (the parsing above found them)', () => {
    expect(shown.map((s) => s.command)).toEqual(expect.arrayContaining(['show', 'list']));
  });

  it('names only commands and flags that exist', async () => {
    const help = new Map<string, string>();
    for (const { command, flags } of shown) {
      if (!help.has(command)) {
        const result = await runCli([command, '--help']);
        expect(result.code, `otrace ${command} --help`).toBe(0);
        // An unknown command would print the top-level help, also with exit 0.
        expect(result.stdout, `otrace ${command} is a command`).toMatch(
          new RegExp(`^Usage: otrace ${command} `),
        );
        help.set(command, result.stdout);
      }
      for (const flag of flags)
        expect(help.get(command), `otrace ${command} ${flag}`).toMatch(new RegExp(`${flag}\\b`));
    }
  });
});
