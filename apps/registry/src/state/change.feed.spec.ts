import { describe, expect, it } from 'vitest';
import { ChangeFeed, Topic } from './change.feed.js';

describe('ChangeFeed', () => {
  it('wakes only the waiters of a touched topic, once each', () => {
    const feed = new ChangeFeed();
    const woken: string[] = [];
    feed.wait({ topics: [Topic.service('web')] }, () => woken.push('web'));
    feed.wait({ topics: [Topic.service('db')] }, () => woken.push('db'));
    feed.wait({ topics: [Topic.service('web'), Topic.services] }, () => woken.push('web+services'));
    feed.publish({ index: 5, topics: new Set([Topic.service('web'), Topic.services]), kvKeys: [] });
    expect(woken).toEqual(['web', 'web+services']);
    feed.publish({ index: 6, topics: new Set([Topic.service('web')]), kvKeys: [] });
    expect(woken).toHaveLength(2);
    expect(feed.size).toBe(1);
  });

  it('matches KV waiters by exact key or by prefix', () => {
    const feed = new ChangeFeed();
    const woken: string[] = [];
    feed.wait({ kvKey: 'app/a' }, () => woken.push('exact'));
    feed.wait({ kvPrefix: 'app/' }, () => woken.push('prefix'));
    feed.wait({ kvPrefix: 'other/' }, () => woken.push('other'));
    feed.publish({ index: 2, topics: new Set([Topic.kv]), kvKeys: ['app/b'] });
    expect(woken).toEqual(['prefix']);
    feed.publish({ index: 3, topics: new Set([Topic.kv]), kvKeys: ['app/a'] });
    expect(woken).toEqual(['prefix', 'exact']);
  });

  it('forgets a cancelled waiter', () => {
    const feed = new ChangeFeed();
    let woken = false;
    const cancel = feed.wait({ topics: [Topic.nodes] }, () => (woken = true));
    cancel();
    feed.publish({ index: 2, topics: new Set([Topic.nodes]), kvKeys: [] });
    expect(woken).toBe(false);
    expect(feed.size).toBe(0);
  });
});
