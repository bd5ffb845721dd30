/**
 * Decodes a Kubernetes protobuf request body (`application/vnd.kubernetes.protobuf`) into the JSON object the
 * same request would have carried as `application/json`, for the kinds in PROTOBUF_KINDS (kinds.ts). kubectl 1.36
 * sends these kinds as protobuf (`create namespace|configmap|secret generic|serviceaccount|deployment|job|cronjob|
 * token`, `auth can-i [--list]`).
 *
 * Envelope (apimachinery pkg/runtime/serializer/protobuf/protobuf.go): the 4-byte magic `k8s\x00`, then a
 * runtime.Unknown (pkg/runtime/generated.proto) whose typeMeta names the kind and whose raw field holds the
 * object's own message (e.g. k8s.io.api.core.v1.ConfigMap).
 *
 * Errors: malformed bytes are a 400 whose message starts `error decoding protobuf body:`; a kind, or a field of a
 * known message, that the sandbox has no descriptor for is a 415 asking for JSON, so no data is ever dropped.
 */
import { badRequest, StatusError } from '../errors.js';
import type { Obj } from '../types.js';
import { isObj } from '../types.js';
import { PROTOBUF_KINDS } from './kinds.js';
import { RUNTIME_UNKNOWN } from './meta.js';
import type { FieldDesc, MessageDesc } from './schemas.js';
import type { WireValue } from './wire.js';
import { readMessage, WireError, WireReader } from './wire.js';

/** The media type of Kubernetes protobuf bodies. */
export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

/** protobuf.go protoEncodingPrefix. */
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Marks a field that the JSON form leaves out. */
const OMIT = Symbol('omit');

/** metav1.Time marshals only years 0000-9999 to JSON (time.Time.MarshalJSON). */
const MIN_SECONDS = -62_167_219_200; // 0000-01-01T00:00:00Z
const MAX_SECONDS = 253_402_300_799; // 9999-12-31T23:59:59Z

type NotMap = Exclude<FieldDesc, { type: 'map' }>;

/** What error messages need to name. */
interface Ctx {
  readonly kind: string;
}

/**
 * Decodes a protobuf request body into `{apiVersion, kind, ...fields}`, the object's JSON form.
 * @throws StatusError 400 (BadRequest) for malformed bytes, 415 (UnsupportedMediaType) for a kind or field the
 * sandbox cannot decode.
 */
export function decodeKubeProtobuf(body: Buffer): Obj {
  try {
    return decodeEnvelope(body);
  } catch (e) {
    if (e instanceof WireError) throw badRequest(`error decoding protobuf body: ${e.message}`);
    throw e;
  }
}

function decodeEnvelope(body: Buffer): Obj {
  // The first three cases and their texts follow protobuf.go Serializer.Decode.
  if (body.length === 0) throw new WireError('empty data');
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new WireError(
      'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
    );
  }
  if (body.length === MAGIC.length) throw new WireError('empty body');

  const unknown = decodeFields(body.subarray(MAGIC.length), RUNTIME_UNKNOWN, { kind: 'runtime.Unknown' });
  const typeMeta = isObj(unknown.typeMeta) ? unknown.typeMeta : {};
  const apiVersion = typeof typeMeta.apiVersion === 'string' ? typeMeta.apiVersion : '';
  const kind = typeof typeMeta.kind === 'string' ? typeMeta.kind : '';
  if (!apiVersion || !kind) {
    // kube-apiserver would fall back to the kind of the URL; the sandbox wants the envelope to say it.
    throw new WireError(`the runtime.Unknown envelope names no ${apiVersion ? 'kind' : 'apiVersion'}`);
  }
  // Raw is always the object's protobuf; an encoding (e.g. gzip) or another content type would not be.
  if (unknown.contentEncoding !== '') {
    throw unsupported(`${kind} with contentEncoding ${JSON.stringify(unknown.contentEncoding)}`);
  }
  if (unknown.contentType !== '' && unknown.contentType !== PROTOBUF_CONTENT_TYPE) {
    throw unsupported(`${kind} with contentType ${JSON.stringify(unknown.contentType)}`);
  }
  const desc = PROTOBUF_KINDS.get(apiVersion)?.get(kind);
  if (!desc) throw unsupported(`${kind} (${apiVersion})`);
  const raw = Buffer.from(typeof unknown.raw === 'string' ? unknown.raw : '', 'base64');
  return { apiVersion, kind, ...decodeFields(raw, desc, { kind }) };
}

/** A 415 naming what the sandbox decodes and asking for JSON instead. */
function unsupported(what: string): StatusError {
  const known = [...PROTOBUF_KINDS].map(([v, kinds]) => `${[...kinds.keys()].join(', ')} (${v})`).join('; ');
  return new StatusError(
    415,
    'UnsupportedMediaType',
    `the sandbox decodes ${PROTOBUF_CONTENT_TYPE} request bodies only for ${known}; ` +
      `it cannot decode ${what}: send it as application/json`,
  );
}

/** A message's fields as a JSON object, before any `render`. */
function decodeFields(buf: Buffer, desc: MessageDesc, ctx: Ctx): Obj {
  const byNum = new Map<number, WireValue[]>();
  for (const { num, value } of readMessage(buf)) {
    if (!desc.fields.some((f) => f.num === num)) {
      throw unsupported(`${ctx.kind}: field number ${num} of ${desc.name} is not one the sandbox knows`);
    }
    const seen = byNum.get(num);
    if (seen) seen.push(value);
    else byNum.set(num, [value]);
  }
  const out: Obj = {};
  for (const f of desc.fields) {
    const v = fieldValue(f, byNum.get(f.num) ?? [], desc, ctx);
    if (v !== OMIT) out[f.json] = v;
  }
  return out;
}

/** A message's JSON value: an object, or what its `render` makes of it. */
function decodeMessage(buf: Buffer, desc: MessageDesc, ctx: Ctx): unknown {
  switch (desc.render) {
    case 'time':
      return renderTime(buf, desc, ctx);
    case 'rawJson':
      return renderRawJson(buf, desc, ctx);
    case 'quantity':
      return renderQuantity(buf, desc, ctx);
    case 'intOrString':
      return renderIntOrString(buf, desc, ctx);
    default:
      return decodeFields(buf, desc, ctx);
  }
}

function fieldValue(f: FieldDesc, values: readonly WireValue[], desc: MessageDesc, ctx: Ctx): unknown {
  const last = values[values.length - 1];
  if (last === undefined) {
    if (f.emit === 'always') return zeroValue(f, ctx);
    return f.emit === 'nullable' ? null : OMIT;
  }
  if (f.type === 'map') return decodeMap(f, values, desc, ctx);
  if (f.repeated) {
    // An empty packed run leaves Go a nil slice.
    const items = values.flatMap(unpack(f));
    if (items.length === 0) return f.emit === 'always' ? null : OMIT;
    return items.map((v) => scalarOrMessage(f, v, desc, ctx));
  }
  if (f.type === 'message') {
    // A non-repeated message seen twice is merged (protobuf encoding guide, "Last One Wins"), which decoding the
    // concatenated bytes does exactly.
    const all = Buffer.concat(values.map((v) => lengthDelimited(f, v, desc)));
    return messageField(f, all, ctx);
  }
  const v = scalarOrMessage(f, last, desc, ctx);
  return f.emit === 'omitempty' && (v === '' || v === 0 || v === false) ? OMIT : v;
}

/**
 * A packed repeated number (one length-delimited run of varints) as its items. Go writes the proto2 repeated
 * numbers of generated.proto unpacked, but parsers must accept both forms (encoding guide, "Packed Repeated Fields").
 */
function unpack(f: FieldDesc): (v: WireValue) => WireValue[] {
  const numeric = f.type === 'int32' || f.type === 'int64' || f.type === 'bool';
  return (v) => {
    if (!numeric || v.wire !== 'bytes') return [v];
    const reader = new WireReader(v.value);
    const items: WireValue[] = [];
    while (!reader.done()) items.push({ wire: 'varint', value: reader.varint() });
    return items;
  };
}

/** A message field's value: a zero metav1.Time is `null` unless the field is omitempty (see schemas.ts). */
function messageField(f: FieldDesc & { type: 'message' }, buf: Buffer, ctx: Ctx): unknown {
  const v = decodeMessage(buf, f.message, ctx);
  return v === OMIT && f.emit !== 'omitempty' ? null : v;
}

/** Go's zero value as encoding/json writes it, for a field without omitempty that is missing from the wire. */
function zeroValue(f: FieldDesc, ctx: Ctx): unknown {
  if (f.repeated || f.type === 'map') return null;
  switch (f.type) {
    case 'message':
      return messageField(f, Buffer.alloc(0), ctx);
    case 'string':
    case 'bytes':
      return '';
    case 'int32':
    case 'int64':
      return 0;
    case 'bool':
      return false;
  }
}

function scalarOrMessage(f: NotMap, v: WireValue, desc: MessageDesc, ctx: Ctx): unknown {
  switch (f.type) {
    case 'string':
      // Go strings hold any bytes; encoding/json writes invalid UTF-8 as U+FFFD, as toString does.
      return lengthDelimited(f, v, desc).toString('utf8');
    case 'bytes':
      return lengthDelimited(f, v, desc).toString('base64');
    case 'message':
      return decodeMessage(lengthDelimited(f, v, desc), f.message, ctx);
    case 'int32':
      return Number(BigInt.asIntN(32, varint(f, v, desc)));
    case 'int64': {
      const n = BigInt.asIntN(64, varint(f, v, desc));
      if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new WireError(`${desc.name}.${f.json} value ${n} does not fit a JSON number exactly`);
      }
      return Number(n);
    }
    case 'bool':
      return varint(f, v, desc) !== 0n;
  }
}

/** `map<string, V>`: each wire value is an entry message (key = 1, value = 2); a later key wins. */
function decodeMap(
  f: FieldDesc & { type: 'map' },
  values: readonly WireValue[],
  desc: MessageDesc,
  ctx: Ctx,
): Obj {
  const entries = new Map<string, unknown>();
  for (const v of values) {
    let key = '';
    let value: Buffer | undefined;
    for (const e of readMessage(lengthDelimited(f, v, desc))) {
      if (e.num !== 1 && e.num !== 2) {
        throw unsupported(
          `${ctx.kind}: field number ${e.num} of a ${desc.name}.${f.json} entry is not one the sandbox knows`,
        );
      }
      const b = lengthDelimited(f, e.value, desc);
      if (e.num === 1) key = b.toString('utf8');
      // A message value seen twice merges, as for any message field.
      else value = typeof f.value === 'string' || !value ? b : Buffer.concat([value, b]);
    }
    // A missing value is the zero value: "" for strings and bytes, the empty message otherwise.
    const raw = value ?? Buffer.alloc(0);
    if (f.value === 'string') entries.set(key, raw.toString('utf8'));
    else if (f.value === 'bytes') entries.set(key, raw.toString('base64'));
    else entries.set(key, decodeMessage(raw, f.value, ctx));
  }
  // fromEntries defines own properties, so a key such as `__proto__` stays data and never becomes a prototype.
  return Object.fromEntries(entries);
}

/** metav1.Time: empty bytes are the zero time, left out; otherwise whole seconds (time_proto.go drops nanos). */
function renderTime(buf: Buffer, desc: MessageDesc, ctx: Ctx): unknown {
  if (buf.length === 0) return OMIT;
  const seconds = decodeFields(buf, desc, ctx).seconds;
  if (typeof seconds !== 'number' || seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
    throw new WireError(`${desc.name} seconds ${String(seconds)} is outside years 0000-9999`);
  }
  // RFC 3339 in UTC at second precision, as metav1.Time.MarshalJSON writes it.
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;
}

/** metav1.FieldsV1: its Raw bytes are JSON, which FieldsV1.MarshalJSON writes as-is (`null` when unset). */
function renderRawJson(buf: Buffer, desc: MessageDesc, ctx: Ctx): unknown {
  const raw = decodeFields(buf, desc, ctx).Raw;
  if (typeof raw !== 'string') return null;
  const text = Buffer.from(raw, 'base64').toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new WireError(`${desc.name} does not hold JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * resource.Quantity: its string as sent (Go senders write the canonical form; the JSON path keeps strings as sent
 * too). An empty message is the zero Quantity, "0"; an empty string does not parse in Go (quantity_proto.go).
 */
function renderQuantity(buf: Buffer, desc: MessageDesc, ctx: Ctx): string {
  const s = decodeFields(buf, desc, ctx).string;
  if (s === undefined) return '0';
  if (s === '') throw new WireError(`${desc.name} is an empty string`);
  return String(s);
}

/** intstr.IntOrString.MarshalJSON: intVal for type 0 (Int), strVal for type 1 (String), an error otherwise. */
function renderIntOrString(buf: Buffer, desc: MessageDesc, ctx: Ctx): number | string {
  const { type, intVal, strVal } = decodeFields(buf, desc, ctx);
  if (type === 0 && typeof intVal === 'number') return intVal;
  if (type === 1 && typeof strVal === 'string') return strVal;
  throw new WireError(`${desc.name} has type ${String(type)}, want 0 (Int) or 1 (String)`);
}

function lengthDelimited(f: FieldDesc, v: WireValue, desc: MessageDesc): Buffer {
  if (v.wire !== 'bytes') throw wrongWire(f, v, desc, 'bytes');
  return v.value;
}

function varint(f: FieldDesc, v: WireValue, desc: MessageDesc): bigint {
  if (v.wire !== 'varint') throw wrongWire(f, v, desc, 'varint');
  return v.value;
}

/** gogo's generated Unmarshal fails the same way: `proto: wrong wireType = 0 for field Name`. */
function wrongWire(f: FieldDesc, v: WireValue, desc: MessageDesc, want: string): WireError {
  return new WireError(`${desc.name}.${f.json} (field ${f.num}) has wire type ${v.wire}, want ${want}`);
}
