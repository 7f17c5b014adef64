/** One URL on a banner line, with an optional word saying what it is. */
export interface BannerLink {
  readonly url: string;
  readonly label?: string;
}

/** One running instance on the banner. */
export interface BannerEntry {
  readonly name: string;
  readonly links: readonly BannerLink[];
}

export interface BannerModel {
  readonly entries: readonly BannerEntry[];
  /** `Transport: NATS at …` or `Transport: HTTP (…)`. */
  readonly transportLine: string;
  /** `Restarts: …`: what happens when a component exits after ready. */
  readonly restartLine?: string;
  /** Where the gateway's admin token is. */
  readonly adminLine?: string;
  /** What did not start and why. */
  readonly notes: readonly { readonly name: string; readonly reason: string }[];
  readonly readyMs: number;
}

/** The "it's up" text printed once every component is healthy. Plain text unless `color`. */
export function formatBanner(model: BannerModel, color = false): string {
  const paint = (code: number, text: string): string => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const nameWidth = Math.max(8, ...model.entries.map((e) => e.name.length));
  const urlWidth = Math.max(0, ...model.entries.flatMap((e) => e.links.map((l) => l.url.length)));
  const rows = model.entries.flatMap((entry) =>
    entry.links.map((link, i) => {
      const name = (i === 0 ? entry.name : '').padEnd(nameWidth);
      const label = link.label === undefined ? '' : `  ${paint(2, link.label)}`;
      return `   ${paint(1, name)}  ${link.url.padEnd(urlWidth)}${label}`.trimEnd();
    }),
  );
  const rule = '─'.repeat(Math.min(100, Math.max(40, nameWidth + urlWidth + 20)));
  const lines = [
    rule,
    ...(rows.length > 0 ? rows : ['   (nothing started)']),
    ` ${model.transportLine}`,
    ...(model.restartLine === undefined ? [] : [` ${model.restartLine}`]),
    ...(model.adminLine === undefined ? [] : [` ${model.adminLine}`]),
    ...model.notes.map((note) => ` ${paint(33, `Not started: ${note.name} (${note.reason})`)}`),
    ` ${paint(32, `Meshway ready in ${Math.round(model.readyMs)} ms`)}  (Ctrl-C stops everything)`,
    rule,
  ];
  return lines.join('\n') + '\n';
}
