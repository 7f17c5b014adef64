import { describe, expect, it } from 'vitest';
import { formatBanner } from './banner.printer.js';

describe('formatBanner', () => {
  it('lists every instance with its URLs, the transport and restart lines, what did not start, and the ready time', () => {
    const text = formatBanner({
      entries: [
        { name: 'registry', links: [{ url: 'http://127.0.0.1:8500/v1/catalog/services', label: 'catalog' }, { url: 'http://127.0.0.1:8500/ui', label: 'dashboard' }] },
        { name: 'users#1', links: [{ url: 'http://127.0.0.1:40001', label: 'service (http)' }] },
        { name: 'gateway', links: [{ url: 'http://127.0.0.1:8080', label: 'gateway' }, { url: 'http://127.0.0.1:8081/health', label: 'admin' }, { url: 'http://127.0.0.1:8081/metrics' }] },
      ],
      transportLine: 'Transport: NATS reachable at nats://127.0.0.1:4222 — NATS services answer over NATS',
      restartLine: 'Restarts: a component that exits is restarted after 0.5 s, doubling to 10 s (back to 0.5 s once up 30 s); 5 exits within 60 s stop everything',
      notes: [{ name: 'docs', reason: 'apps/docs/package.json has no "meshway" field' }],
      readyMs: 1234.4,
    });
    const rule = '─'.repeat(69);
    expect(text).toBe(
      [
        rule,
        '   registry  http://127.0.0.1:8500/v1/catalog/services  catalog',
        '             http://127.0.0.1:8500/ui                   dashboard',
        '   users#1   http://127.0.0.1:40001                     service (http)',
        '   gateway   http://127.0.0.1:8080                      gateway',
        '             http://127.0.0.1:8081/health               admin',
        '             http://127.0.0.1:8081/metrics',
        ' Transport: NATS reachable at nats://127.0.0.1:4222 — NATS services answer over NATS',
        ' Restarts: a component that exits is restarted after 0.5 s, doubling to 10 s (back to 0.5 s once up 30 s); 5 exits within 60 s stop everything',
        ' Not started: docs (apps/docs/package.json has no "meshway" field)',
        ' Meshway ready in 1234 ms  (Ctrl-C stops everything)',
        rule,
        '',
      ].join('\n'),
    );
  });

  it('adds ANSI colour only when asked', () => {
    const model = { entries: [{ name: 'users', links: [{ url: 'http://127.0.0.1:1' }] }], transportLine: 'Transport: HTTP', notes: [], readyMs: 5 };
    expect(formatBanner(model)).not.toContain('\u001b[');
    expect(formatBanner(model, true)).toContain('\u001b[32mMeshway ready in 5 ms\u001b[0m');
  });
});
