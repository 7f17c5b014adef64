import { createContext, runInContext } from 'node:vm';
import { badRequest } from '../registry.errors.js';

/** What an event's filters are matched against: this agent's node and its own services. */
export interface LocalTarget {
  readonly node: string;
  readonly services: readonly { readonly id: string; readonly name: string; readonly tags: readonly string[] }[];
}

export interface EventFilterInput {
  readonly node: string;
  readonly service: string;
  readonly tag: string;
}

/**
 * Consul compiles filters with Go's linear-time RE2. JavaScript's engine backtracks, so a hostile
 * pattern (`(a+)+$`) could hold the event loop for minutes: matching runs under this time budget
 * (V8 interrupts a running RegExp when a `vm` timeout fires) and a pattern that overruns it is refused.
 */
const MATCH_BUDGET_MS = 100;
const sandbox = createContext({});

/**
 * An event's node/service/tag filters, validated as Consul does (`Invalid node filter: …`, `Cannot
 * provide tag filter without service filter`). A leading RE2 flag group such as `(?i)` becomes the
 * JavaScript flag; other RE2-only syntax is refused as invalid rather than matched differently.
 */
export class UserEventFilter {
  private readonly node: RegExp | undefined;
  private readonly service: RegExp | undefined;
  private readonly tag: RegExp | undefined;

  constructor(input: EventFilterInput) {
    if (input.tag !== '' && input.service === '') throw badRequest('Cannot provide tag filter without service filter');
    this.node = compile('node', input.node);
    this.service = compile('service', input.service);
    this.tag = compile('tag', input.tag);
  }

  /**
   * Whether this agent takes the event (Consul's `shouldProcessUserEvent`): its node, and one of its
   * services (with a tag), match. A service matches by name (Consul's docs) or by ID (what Consul's
   * code compares since services are keyed by ID).
   */
  accepts(target: LocalTarget): boolean {
    return withinBudget(() => {
      if (this.node && !this.node.test(target.node)) return false;
      const { service, tag } = this;
      if (!service) return true;
      return target.services.some((s) => (service.test(s.name) || service.test(s.id)) && (!tag || s.tags.some((t) => tag.test(t))));
    });
  }
}

function compile(which: 'node' | 'service' | 'tag', pattern: string): RegExp | undefined {
  if (pattern === '') return undefined;
  const flagGroup = /^\(\?([ims]+)\)/.exec(pattern);
  try {
    return flagGroup ? new RegExp(pattern.slice(flagGroup[0].length), [...new Set(flagGroup[1])].join('')) : new RegExp(pattern);
  } catch (error) {
    throw badRequest(`Invalid ${which} filter: ${(error as Error).message}`);
  }
}

function withinBudget(match: () => boolean): boolean {
  const job = sandbox as { match?: () => boolean };
  job.match = match;
  try {
    return runInContext('match()', sandbox, { timeout: MATCH_BUDGET_MS }) as boolean;
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw error;
    throw badRequest(`Invalid event filter: matching it took over ${MATCH_BUDGET_MS} ms (a backtracking pattern such as "(a+)+$"); Consul's RE2 syntax without nested repetition matches at once`);
  } finally {
    delete job.match;
  }
}
