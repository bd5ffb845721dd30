/**
 * A tiny protobuf encoder for building test bodies, the inverse of src/sandbox/protobuf/wire.ts. Test-only: the
 * sandbox never encodes protobuf. Fields are written in the order given, so tests control duplicates and order.
 */

/** A field value: a string or bytes (length-delimited), an integer or bool (varint), or a nested message. */
export type PbValue = string | Uint8Array | bigint | number | boolean | readonly PbField[];

/** One field: [field number, value]. Repeat the number for repeated fields and map entries. */
export type PbField = readonly [num: number, value: PbValue];

/** A base-128 varint; negative numbers as their 64-bit two's complement (10 bytes), as Go writes an int64. */
export function varint(n: bigint | number): Buffer {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}

/** A field's tag: number and wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32). */
export function tag(num: number, wireType: number): Buffer {
  return varint(num * 8 + wireType);
}

/** Encodes a message. */
export function encode(fields: readonly PbField[]): Buffer {
  return Buffer.concat(fields.map(([num, value]) => encodeField(num, value)));
}

function encodeField(num: number, value: PbValue): Buffer {
  if (typeof value === 'bigint' || typeof value === 'number')
    return Buffer.concat([tag(num, 0), varint(value)]);
  if (typeof value === 'boolean') return Buffer.concat([tag(num, 0), varint(value ? 1 : 0)]);
  const bytes =
    typeof value === 'string'
      ? Buffer.from(value, 'utf8')
      : value instanceof Uint8Array
        ? Buffer.from(value)
        : encode(value as readonly PbField[]);
  return Buffer.concat([tag(num, 2), varint(bytes.length), bytes]);
}

/** A map entry (key = 1, value = 2). */
export function entry(key: string, value: string | Uint8Array): readonly PbField[] {
  return [
    [1, key],
    [2, value],
  ];
}

/** The `k8s\x00` magic. */
export const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/**
 * A whole request body: magic + runtime.Unknown{typeMeta{apiVersion = 1, kind = 2}, raw = 2, ...extra}.
 * `raw` may be pre-encoded bytes, to embed malformed objects.
 */
export function envelope(
  apiVersion: string,
  kind: string,
  raw: readonly PbField[] | Buffer,
  extra: readonly PbField[] = [],
): Buffer {
  const rawBytes = Buffer.isBuffer(raw) ? raw : encode(raw);
  const typeMeta: readonly PbField[] = [
    [1, apiVersion],
    [2, kind],
  ];
  return Buffer.concat([MAGIC, encode([[1, typeMeta], [2, rawBytes], ...extra])]);
}
