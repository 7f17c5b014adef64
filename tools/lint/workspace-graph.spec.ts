import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProjects } from './module-boundaries.js';

const root = new URL('../..', import.meta.url).pathname;
const TYPE_TAGS = ['type:app', 'type:nest', 'type:core', 'type:testing', 'type:tool', 'type:e2e'];

interface GraphFile {
  graph: { nodes: Record<string, { data: { root: string; tags?: string[]; targets?: Record<string, unknown> } }> };
}

describe('the Nx project graph', () => {
  it('lists every workspace package with exactly one type tag and its inferred targets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshway-graph-'));
    try {
      const file = join(dir, 'graph.json');
      execFileSync(join(root, 'node_modules/.bin/nx'), ['graph', `--file=${file}`], {
        cwd: root,
        env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
        stdio: 'pipe',
      });
      const { graph } = JSON.parse(readFileSync(file, 'utf8')) as GraphFile;
      for (const project of readProjects(root)) {
        const node = graph.nodes[project.name];
        expect(node, `${project.name} is in the graph`).toBeDefined();
        const typeTags = (node?.data.tags ?? []).filter((t) => t.startsWith('type:'));
        expect(typeTags, `${project.name} has one type tag`).toHaveLength(1);
        expect(TYPE_TAGS).toContain(typeTags[0]);
      }
      expect(Object.keys(graph.nodes['@meshway/gateway']?.data.targets ?? {})).toContain('test');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
