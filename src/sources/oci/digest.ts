/**
 * Content digests (`sha256:<hex>`, `sha512:<hex>`): parsing, computing, and checking content against the digest
 * it was asked for, incrementally so a blob is hashed while it streams in. Deterministic, no I/O.
 */
import { createHash, type Hash } from 'node:crypto';

export type DigestAlgorithm = 'sha256' | 'sha512';

export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  /** Lower-case hex. */
  hex: string;
}

const FORMS: Readonly<Record<DigestAlgorithm, RegExp>> = {
  sha256: /^[a-f0-9]{64}$/,
  sha512: /^[a-f0-9]{128}$/,
};

/**
 * Parses a digest this client can verify; undefined for anything else (another algorithm, upper-case hex, a
 * wrong length), since a digest that cannot be checked must not be trusted.
 */
export function parseDigest(digest: string): ParsedDigest | undefined {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  if (algorithm !== 'sha256' && algorithm !== 'sha512') return undefined;
  return FORMS[algorithm].test(hex) ? { algorithm, hex } : undefined;
}

/** The digest of `bytes`, `sha256:<hex>` unless told otherwise. */
export function digestOf(bytes: Uint8Array, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Hashes content as it arrives and tells at the end whether it is what `expected` names. */
export class DigestVerifier {
  private readonly hash: Hash;

  constructor(readonly expected: ParsedDigest) {
    this.hash = createHash(expected.algorithm);
  }

  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
  }

  /** The digest of everything seen; call once, at the end. */
  finish(): { actual: string; matches: boolean } {
    const hex = this.hash.digest('hex');
    return { actual: `${this.expected.algorithm}:${hex}`, matches: hex === this.expected.hex };
  }
}
