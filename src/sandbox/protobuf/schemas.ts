/**
 * The shape of the message descriptors the sandbox decodes Kubernetes protobuf with (field number → JSON name and
 * type), and small makers for them. The descriptors themselves live next door, one file per API area: meta.ts
 * (apimachinery), core-v1.ts, pod.ts, workloads.ts (apps/v1, batch/v1) and auth.ts; kinds.ts lists the top-level
 * kinds. Field numbers come from the `generated.proto` files of kubernetes/api and kubernetes/apimachinery; JSON
 * names and `emit` from the json tags of the matching `types.go`. Fields are listed in Go struct order (the order
 * go-to-protobuf writes them in generated.proto) so the decoded object's keys come out in the order
 * encoding/json writes them.
 *
 * Why `emit` exists: the generated (gogo) marshallers write every non-pointer field, zero or not, and pointer
 * fields only when set, so the bytes alone do not say what the JSON form holds. The JSON form is what the same
 * Go struct gives under encoding/json:
 * - `omitempty`: the json tag has omitempty; "", 0, false, empty lists and maps are left out.
 * - `always`: no omitempty, or a struct (omitempty never drops a struct); kept when zero, and filled with Go's zero
 *   value when missing from the wire ("" / 0 / false / `{}` for a message, `null` for a list or map).
 * - `pointer`: a pointer with omitempty; present only when on the wire, and then kept even when zero
 *   (`immutable: false`).
 * - `nullable`: a pointer without omitempty (TokenRequestSpec.expirationSeconds); `null` when missing.
 * A zero metav1.Time is `null` (Time.MarshalJSON), except under `omitempty`, where it is left out: kubectl 1.36
 * sends no `creationTimestamp: null`.
 */

/** How a decoded value reaches the JSON object; see the module comment. */
export type Emit = 'omitempty' | 'always' | 'pointer' | 'nullable';

/** Scalar protobuf types. `bytes` becomes base64 in JSON, as encoding/json writes a []byte. */
export type ScalarType = 'string' | 'bytes' | 'int32' | 'int64' | 'bool';

interface FieldBase {
  /** Protobuf field number. */
  readonly num: number;
  /** JSON property name. */
  readonly json: string;
  readonly emit: Emit;
  /** A repeated field: one wire value per item, a JSON array. */
  readonly repeated?: boolean;
}

/** One field of a message. */
export type FieldDesc =
  | (FieldBase & { readonly type: ScalarType })
  | (FieldBase & { readonly type: 'message'; readonly message: MessageDesc })
  /** `map<string, V>`: repeated entries with key = 1, value = 2, a JSON object. */
  | (FieldBase & { readonly type: 'map'; readonly value: 'string' | 'bytes' | MessageDesc });

/**
 * Messages whose JSON form is not an object:
 * - `time`: metav1.Time (seconds = 1, nanos = 2), an RFC 3339 string;
 * - `rawJson`: metav1.FieldsV1 (Raw = 1), the JSON document its bytes hold;
 * - `quantity`: resource.Quantity (string = 1), its string;
 * - `intOrString`: intstr.IntOrString (type = 1, intVal = 2, strVal = 3), a number or a string.
 */
export type Render = 'time' | 'rawJson' | 'quantity' | 'intOrString';

/** One protobuf message. */
export interface MessageDesc {
  /** Full proto name, for error messages. */
  readonly name: string;
  readonly fields: readonly FieldDesc[];
  readonly render?: Render;
}

/** A maker of scalar fields of one type; most fields are omitempty strings. */
function scalar(type: ScalarType) {
  return (num: number, json: string, emit: Emit = 'omitempty'): FieldDesc => ({ num, json, emit, type });
}
/** A string field. */
export const str = scalar('string');
/** A bytes field. */
export const bytes = scalar('bytes');
/** A bool field. */
export const bool = scalar('bool');
/** An int32 field. */
export const int32 = scalar('int32');
/** An int64 field. */
export const int64 = scalar('int64');

/** A repeated string field. */
export function strs(num: number, json: string, emit: Emit = 'omitempty'): FieldDesc {
  return { num, json, emit, type: 'string', repeated: true };
}

/** A message field; non-pointer structs are always in the JSON, so `always` is the default. */
export function msg(num: number, json: string, message: MessageDesc, emit: Emit = 'always'): FieldDesc {
  return { num, json, emit, type: 'message', message };
}

/** A repeated message field. */
export function msgs(num: number, json: string, message: MessageDesc, emit: Emit = 'omitempty'): FieldDesc {
  return { num, json, emit, type: 'message', message, repeated: true };
}

/** A `map<string, V>`; every map in these kinds is omitempty. */
export function map(num: number, json: string, value: 'string' | 'bytes' | MessageDesc): FieldDesc {
  return { num, json, emit: 'omitempty', type: 'map', value };
}
