import { importCommand } from './cli/import-command';
import { initCommand } from './cli/init-command';
import { pluginCommand } from './cli/plugin-command';
import { unlockCommand } from './cli/unlock-command';

/** A CLI subcommand: parses its own arguments, returns the exit code. */
export type Command = (args: string[]) => Promise<number>;

const commands: Record<string, { run: Command; help: string }> = {
  init: { run: initCommand, help: 'init --email <email> --name <name> [--id <user-id>] [--company <name>]   (first admin; password from PIPEWRIGHT_INIT_PASSWORD or printed)' },
  unlock: { run: unlockCommand, help: 'unlock --email <email> | --address <ip>   (lift sign-in limits after failed sign-ins; with PGlite, stop the server first)' },
  plugin: { run: (args) => pluginCommand(args), help: 'plugin new <id> [--dir <folder>] [--about <plugin.entity>] | plugin check <folder>   (scaffold a company plugin, whose visits may name a record of --about; check one with the loader, with the plugins in PIPEWRIGHT_PLUGINS)' },
  import: { run: importCommand, help: 'import --entity <type> --file <csv> --mapping <json> [--skip-bad-rows] [--report <file>]' },
};

/**
 * `pipewright <command>` (`npm run cli -- <command>`). Configuration comes from the same
 * environment variables as the server (DATABASE_URL, PIPEWRIGHT_DATA_DIR, PIPEWRIGHT_PLUGINS).
 */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.error(`Usage: pipewright <command>\n${Object.values(commands).map((c) => `  pipewright ${c.help}`).join('\n')}`);
    return name ? 2 : 0;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
