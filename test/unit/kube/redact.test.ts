import { describe, expect, it } from 'vitest';
import { isSecret, secretRedactor } from '../../../src/kube/redact.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('secretRedactor', () => {
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    data: {
      password: b64('correct-horse'),
      pem: b64('-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34GkxFhD9\n-----END KEY-----'),
    },
    stringData: { token: 'tok-12345', pin: '42' },
  };
  const redact = secretRedactor(secret);

  it.each([
    ['a base64 data value', `data[password]: Invalid value: "${b64('correct-horse')}"`],
    ['a decoded data value', 'the password correct-horse is too weak'],
    ['a stringData value and its encoding', `tok-12345 / ${b64('tok-12345')}`],
    ['one line of a multi-line value', 'bad line MIIBOgIBAAJBAKj34GkxFhD9 in key'],
    ['a go-formatted value', '.data.password: expected string, got &value.valueUnstructured{Value:12345}'],
    ['a short value as a token', 'pin "42" rejected'],
  ])('masks %s', (_name, message) => {
    const out = redact(message);
    for (const leaked of [
      'correct-horse',
      b64('correct-horse'),
      'tok-12345',
      'MIIBOgIBAAJBAKj34GkxFhD9',
      '12345',
      '"42"',
    ]) {
      expect(out).not.toContain(leaked);
    }
    expect(out).toContain('***');
  });

  it('keeps the rest of the message readable', () => {
    expect(
      redact(
        'Secret "s" is invalid: data[bad key!]: a valid config key must consist of alphanumeric characters',
      ),
    ).toBe(
      'Secret "s" is invalid: data[bad key!]: a valid config key must consist of alphanumeric characters',
    );
    expect(redact('version 420 of the 42nd')).toBe('version 420 of the 42nd');
  });

  it('leaves messages about other kinds alone', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'visible-value' } };
    expect(secretRedactor(cm)('Invalid value: "visible-value"')).toBe('Invalid value: "visible-value"');
    expect(isSecret(cm)).toBe(false);
    expect(isSecret({ apiVersion: 'v1', kind: 'Secret' })).toBe(true);
    expect(isSecret({ apiVersion: 'example.com/v1', kind: 'Secret' })).toBe(false);
  });
});
