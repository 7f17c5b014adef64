import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { callAdmin } from '../admin.client.js';
import { UsageError, type Command } from './command.js';

/** `meshway config export [file]`: the dynamic routes document (YAML), to stdout or a file. */
export const configExport: Command = {
  name: 'config export',
  usage: 'config export [file.yaml]                the dynamic configuration (KV), as YAML',
  async run({ args, admin, cwd, out }) {
    const { version: _version, ...document } = (await callAdmin(admin, 'GET', '/config')) as Record<string, unknown>;
    const yaml = stringify(document);
    if (args[0] === undefined) out(yaml.trimEnd());
    else {
      await writeFile(resolve(cwd, args[0]), yaml);
      out(`wrote ${args[0]}`);
    }
  },
};

/** `meshway config apply <file> [--dry-run]`: replaces the dynamic routes document; prints the diff. */
export const configApply: Command = {
  name: 'config apply',
  usage: 'config apply <file.yaml|json> [--dry-run] replace the dynamic configuration; prints the diff',
  async run({ args, admin, cwd, out }) {
    const file = args.find((arg) => !arg.startsWith('--'));
    if (file === undefined) throw new UsageError('config apply needs the file to apply');
    const dryRun = args.includes('--dry-run');
    const document: unknown = parse(await readFile(resolve(cwd, file), 'utf8'));
    const diff = (await callAdmin(admin, 'PUT', `/config${dryRun ? '?dryRun=true' : ''}`, document)) as { text: string };
    out(diff.text);
    out(dryRun ? 'dry run: nothing changed' : 'applied');
  },
};
