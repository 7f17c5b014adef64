import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@meshway/testing';
import { compiledEntry, compileWorkspace } from './workspace.compiler.js';

const root = mkdtempSync(join(tmpdir(), 'meshway-compile-'));
const swcrc = join(REPO_ROOT, '.swcrc');

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

// apps/hello → @meshway/greeting (a workspace lib, linked under node_modules the way npm workspaces link it).
write('apps/hello/package.json', JSON.stringify({ name: 'hello', type: 'module', dependencies: { '@meshway/greeting': '*', zod: '*' } }));
write('apps/hello/src/main.ts', "import { greet } from '@meshway/greeting';\nconst who: string = 'mesh';\nconsole.log(greet(who));\n");
write('apps/hello/src/main.spec.ts', "throw new Error('a spec is never compiled');\n");
write('apps/hello/src/ui/page.html', '<p>hello</p>\n');
write('libs/greeting/package.json', JSON.stringify({ name: '@meshway/greeting', type: 'module', exports: { '.': { default: './dist/index.js' } } }));
write('libs/greeting/src/index.ts', "export { greet } from './greet.js';\n");
write('libs/greeting/src/greet.ts', 'export function greet(name: string): string {\n  return `hello, ${name}`;\n}\n');
mkdirSync(join(root, 'node_modules/@meshway'), { recursive: true });
symlinkSync(join(root, 'libs/greeting'), join(root, 'node_modules/@meshway/greeting'));

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('compileWorkspace', () => {
  it('compiles an app and the workspace packages it imports to dist/, which node runs without TypeScript hooks', async () => {
    const report = await compileWorkspace([join(root, 'apps/hello')], swcrc);
    expect(report).toEqual({ packages: 2, files: 4, written: 4 });
    expect(execFileSync(process.execPath, [join(root, 'apps/hello/dist/main.js')], { encoding: 'utf8' })).toBe('hello, mesh\n');
    expect(readFileSync(join(root, 'apps/hello/dist/ui/page.html'), 'utf8')).toBe('<p>hello</p>\n');
    expect(existsSync(join(root, 'apps/hello/dist/main.spec.js'))).toBe(false);
  });

  it('writes nothing the second time, and only what changed after an edit', async () => {
    expect(await compileWorkspace([join(root, 'apps/hello')], swcrc)).toMatchObject({ written: 0 });
    write('libs/greeting/src/greet.ts', 'export function greet(name: string): string {\n  return `hi, ${name}`;\n}\n');
    expect(await compileWorkspace([join(root, 'apps/hello')], swcrc)).toMatchObject({ written: 1 });
    expect(execFileSync(process.execPath, [join(root, 'apps/hello/dist/main.js')], { encoding: 'utf8' })).toBe('hi, mesh\n');
  });

  it('names the file that does not compile', async () => {
    write('apps/broken/package.json', JSON.stringify({ name: 'broken', type: 'module' }));
    write('apps/broken/src/main.ts', 'export const x = (;\n');
    await expect(compileWorkspace([join(root, 'apps/broken')], swcrc)).rejects.toMatchObject({
      code: 'MESHWAY_DEV_COMPILE_FAILED',
      message: expect.stringContaining(join(root, 'apps/broken/src/main.ts')),
    });
  });

  it('names an unreadable .swcrc', async () => {
    await expect(compileWorkspace([join(root, 'apps/hello')], join(root, 'missing.swcrc'))).rejects.toMatchObject({ code: 'MESHWAY_DEV_COMPILE_FAILED' });
  });
});

describe('compiledEntry', () => {
  it('maps a TypeScript entry under src/ to its dist/ JavaScript, and leaves anything else as it is', () => {
    expect(compiledEntry('/w/apps/users/src/main.ts')).toBe('/w/apps/users/dist/main.js');
    expect(compiledEntry('/w/apps/users/src/boot/main.ts')).toBe('/w/apps/users/dist/boot/main.js');
    expect(compiledEntry('/w/fixtures/apps/users/main.mjs')).toBe('/w/fixtures/apps/users/main.mjs');
    expect(compiledEntry('/w/apps/odd/main.ts')).toBe('/w/apps/odd/main.ts');
  });
});
