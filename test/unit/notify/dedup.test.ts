import { describe, expect, it } from 'vitest';
import { type DedupInput, Deduplicator } from '../../../src/notify/dedup.js';

const WINDOW = 5 * 60_000;

/** One step of a stream: at time t (minutes), an event of a class and message, passing the filters or not. */
type Step = [minute: number, cls: DedupInput['class'], hash: string, expected: string, passes?: boolean];

function run(steps: readonly Step[]): string[] {
  const d = new Deduplicator({ windowMs: WINDOW });
  return steps.map(([minute, cls, hash, , passes]) => {
    const r = d.decide(
      'alert|Sync/a/web',
      { class: cls, hash, passesFilters: passes ?? true },
      minute * 60_000,
    );
    return r.action === 'send' ? `send ${r.kind}` : r.action === 'drop' ? `drop ${r.why}` : 'skip';
  });
}

describe('Deduplicator', () => {
  it.each<[string, Step[]]>([
    [
      'a failure retried with the same error is sent once, even long after the window',
      [
        [0, 'failure', 'E1', 'send failure'],
        [1, 'failure', 'E1', 'drop same-failure'],
        [30, 'failure', 'E1', 'drop same-failure'],
        [600, 'failure', 'E1', 'drop same-failure'],
      ],
    ],
    [
      'a different error in the same episode is sent, an earlier one seen again is not',
      [
        [0, 'failure', 'E1', 'send failure'],
        [1, 'failure', 'E2', 'send failure'],
        [2, 'failure', 'E1', 'drop same-failure'],
      ],
    ],
    [
      'the recovery is sent once; the next success is plain information',
      [
        [0, 'failure', 'E1', 'send failure'],
        [10, 'success', 'S1', 'send recovery'],
        [11, 'success', 'S1', 'drop duplicate'],
        [20, 'success', 'S2', 'send info'],
      ],
    ],
    [
      'a recovery inside the window after its failure is still sent',
      [
        [0, 'failure', 'E1', 'send failure'],
        [0.1, 'success', 'S1', 'send recovery'],
      ],
    ],
    [
      'a new episode with the same error after a recovery: inside the window dropped, after it sent',
      [
        [0, 'failure', 'E1', 'send failure'],
        [1, 'success', 'S1', 'send recovery'],
        [2, 'failure', 'E1', 'drop duplicate'],
        // The receiver never heard of that failure, so this success is no recovery (and a duplicate anyway).
        [3, 'success', 'S1', 'drop duplicate'],
        [4, 'failure', 'E1', 'drop duplicate'],
        [6, 'failure', 'E1', 'send failure'],
        [7, 'success', 'S1', 'send recovery'],
      ],
    ],
    [
      'identical information inside the window is dropped, outside it is sent again',
      [
        [0, 'info', 'I1', 'send info'],
        [4.9, 'info', 'I1', 'drop duplicate'],
        [5, 'info', 'I1', 'send info'],
        [5.5, 'info', 'I2', 'send info'],
      ],
    ],
    ['a success with nothing failing before is information', [[0, 'success', 'S1', 'send info']]],
    [
      'filtered events are skipped and leave no trace',
      [
        [0, 'failure', 'E1', 'skip', false],
        [1, 'success', 'S1', 'skip', false],
        [2, 'failure', 'E1', 'send failure'],
      ],
    ],
    [
      'a recovery reaches an Alert whose filters stop successes (eventSeverity error)',
      [
        [0, 'failure', 'E1', 'send failure'],
        [1, 'success', 'S1', 'send recovery', false],
        [2, 'success', 'S1', 'skip', false],
      ],
    ],
    [
      'information during a failure does not end it',
      [
        [0, 'failure', 'E1', 'send failure'],
        [1, 'info', 'I1', 'send info'],
        [2, 'failure', 'E1', 'drop same-failure'],
        [3, 'success', 'S1', 'send recovery'],
      ],
    ],
  ])('%s', (_name, steps) => {
    expect(run(steps)).toEqual(steps.map((s) => s[3]));
  });

  it('keeps streams apart', () => {
    const d = new Deduplicator({ windowMs: WINDOW });
    const failure = { class: 'failure', hash: 'E1', passesFilters: true } as const;
    expect(d.decide('a|Sync/x/web', failure, 0).action).toBe('send');
    expect(d.decide('b|Sync/x/web', failure, 0).action).toBe('send');
    expect(d.decide('a|Sync/x/api', failure, 0).action).toBe('send');
    expect(d.decide('a|Sync/x/web', failure, 1).action).toBe('drop');
  });

  it('forgets the streams of a deleted Alert', () => {
    const d = new Deduplicator({ windowMs: WINDOW });
    const failure = { class: 'failure', hash: 'E1', passesFilters: true } as const;
    d.decide('ns/a|Sync/x/web', failure, 0);
    d.decide('ns/ab|Sync/x/web', failure, 0);
    d.forget('ns/a|');
    expect(d.size()).toBe(1);
    expect(d.decide('ns/a|Sync/x/web', failure, 1).action).toBe('send');
  });

  it('holds at most maxStreams streams, forgetting the least recently used', () => {
    const d = new Deduplicator({ windowMs: WINDOW, maxStreams: 3 });
    const failure = { class: 'failure', hash: 'E1', passesFilters: true } as const;
    for (const k of ['s1', 's2', 's3']) d.decide(k, failure, 0);
    d.decide('s1', failure, 1); // s1 used again: s2 is now the oldest
    d.decide('s4', failure, 2);
    expect(d.size()).toBe(3);
    expect(d.decide('s1', failure, 3).action).toBe('drop');
    expect(d.decide('s2', failure, 3).action).toBe('send');
  });
});
