import { describe, expect, it } from 'vitest';
import { ReceiverTable } from '../../../src/receivers/table.js';
import type { ReceiverEntry } from '../../../src/receivers/types.js';

function entry(name: string, token = 't'): ReceiverEntry {
  return { namespace: 'ns', name, type: 'generic', token, events: [], suspended: false, targets: [] };
}

describe('ReceiverTable', () => {
  it('finds a Receiver by its path', () => {
    const t = new ReceiverTable();
    t.set('/hook/a', entry('one'));
    expect(t.lookup('/hook/a')?.name).toBe('one');
    expect(t.lookup('/hook/b')).toBeUndefined();
  });

  it('drops the old path when the token changes', () => {
    const t = new ReceiverTable();
    t.set('/hook/a', entry('one', 'old'));
    t.set('/hook/b', entry('one', 'new'));
    expect(t.lookup('/hook/a')).toBeUndefined();
    expect(t.lookup('/hook/b')?.token).toBe('new');
    expect(t.size()).toBe(1);
  });

  it('drops a removed Receiver only', () => {
    const t = new ReceiverTable();
    t.set('/hook/a', entry('one'));
    t.set('/hook/b', entry('two'));
    t.remove('ns/one');
    t.remove('ns/missing');
    expect(t.lookup('/hook/a')).toBeUndefined();
    expect(t.lookup('/hook/b')?.name).toBe('two');
  });

  it('does not let removing one Receiver take a path another now holds', () => {
    const t = new ReceiverTable();
    t.set('/hook/same', entry('one'));
    t.set('/hook/same', entry('two'));
    t.remove('ns/one');
    expect(t.lookup('/hook/same')?.name).toBe('two');
  });
});
