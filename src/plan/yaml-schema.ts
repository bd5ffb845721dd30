/**
 * How plain scalars become numbers, read as Kubernetes reads them. The `yaml` package's default is the YAML 1.2
 * core schema, where `0400` is the decimal 400; kubectl (sigs.k8s.io/yaml, go-yaml v2, YAML 1.1) and kustomize
 * both read it as octal, 256. A Secret mounted with `defaultMode: 0400` would otherwise become group-writable
 * (0620) from a plain directory and stay 0400 through a kustomization.
 *
 * The `yaml` package's own YAML 1.1 schema (`version: '1.1'`) is not a match, so these tags copy go-yaml v2's
 * resolver (resolve.go) for numbers instead:
 * - integers: `_` is dropped, then Go's base prefixes apply (`0x`, `0o`, `0b`, and a leading `0` for octal);
 *   `0800` is not octal and falls through to the float 800; YAML 1.1 base 60 (`1:20`, an integer in the
 *   package's 1.1 schema) stays a string, as in go-yaml;
 * - floats: go-yaml's `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`, so `1e3` is a number;
 * - timestamps stay strings (the package's 1.1 schema makes them Date objects; go-yaml v2 gives strings when
 *   decoding into an untyped value, which is how kubectl decodes a manifest).
 *
 * Booleans stay YAML 1.2 (`true`/`false` in three spellings) on purpose. go-yaml v2 also reads `yes`, `no`,
 * `on`, `off`, `y` and `n` as booleans, even as keys (kubectl turns a field named `y` into `"true"`), but
 * kustomize quotes them on output and Flux renders plain directories through kustomize, so Flux, and Steward
 * through a kustomization, apply them as strings. Following kubectl here would make the same file mean two
 * things depending on the directory it sits in. Pure.
 */
import type { ScalarTag, SchemaOptions, Tags } from 'yaml';

const INT = 'tag:yaml.org,2002:int';
const FLOAT = 'tag:yaml.org,2002:float';

/** go-yaml's yamlStyleFloat, matched after underscores are dropped. */
const GO_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

/** int64 and uint64, the ranges go-yaml's ParseInt and ParseUint try before giving up on an integer. */
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** A plain scalar go-yaml tries as an integer: a digit or sign first, then digits with Go's base prefixes. */
const INT_CANDIDATE = /^[-+]?[0-9][0-9a-fA-FxXoObB_]*$/;

type Base = 'binary' | 'octal' | 'decimal' | 'hex';

/** Digits Go's strconv accepts in each base, and the prefix BigInt reads the base from. */
const BASES: Readonly<Record<Base, { digits: RegExp; prefix: string }>> = {
  binary: { digits: /^[01]+$/, prefix: '0b' },
  octal: { digits: /^[0-7]+$/, prefix: '0o' },
  decimal: { digits: /^[0-9]+$/, prefix: '' },
  hex: { digits: /^[0-9a-fA-F]+$/, prefix: '0x' },
};

/** Splits a Go integer literal (base 0: `0x`, `0o`, `0b`, leading `0`) into sign, base and digits. */
function goIntParts(plain: string): { negative: boolean; base: Base; digits: string } {
  const negative = plain.startsWith('-');
  const body = /^[-+]/.test(plain) ? plain.slice(1) : plain;
  const prefix = body.slice(0, 2).toLowerCase();
  if (prefix === '0x') return { negative, base: 'hex', digits: body.slice(2) };
  if (prefix === '0o') return { negative, base: 'octal', digits: body.slice(2) };
  if (prefix === '0b') return { negative, base: 'binary', digits: body.slice(2) };
  if (body.length > 1 && body.startsWith('0')) return { negative, base: 'octal', digits: body.slice(1) };
  return { negative, base: 'decimal', digits: body };
}

/**
 * What go-yaml v2 makes of a plain scalar starting with a digit or a sign: an integer when Go's ParseInt or
 * ParseUint takes it, else a float when it looks like one, else the string itself.
 */
export function goYamlNumber(text: string): number | string {
  const plain = text.replaceAll('_', '');
  const { negative, base, digits } = goIntParts(plain);
  if (BASES[base].digits.test(digits)) {
    const big = BigInt(`${BASES[base].prefix}${digits}`);
    const value = negative ? -big : big;
    // ParseUint takes no sign, so "+18446744073709551615" is a float to go-yaml; as a JS number it is the same.
    if (value >= INT64_MIN && value <= UINT64_MAX) return Number(value);
  }
  if (GO_FLOAT.test(plain)) return Number.parseFloat(plain);
  return text;
}

const kubeInt: ScalarTag = {
  tag: INT,
  default: true,
  identify: (value) => typeof value === 'number' && Number.isInteger(value),
  test: INT_CANDIDATE,
  resolve: (text) => goYamlNumber(text),
};

const kubeFloat: ScalarTag = {
  tag: FLOAT,
  default: true,
  identify: (value) => typeof value === 'number',
  // Underscores may sit anywhere after the first character; go-yaml drops them before matching GO_FLOAT.
  test: /^(?:[-+][0-9_]*\.?|[0-9][0-9_]*\.?|\.(?=[0-9]))[0-9_]*(?:[eE][-+]?[0-9_]+)?$/,
  resolve: (text) => goYamlNumber(text),
};

/**
 * The schema options for parsing manifests: the core schema with go-yaml v2's numbers. They come first in the
 * tag list, and every scalar the core schema's int and float tags would take matches them too.
 */
export const KUBERNETES_SCALARS: Readonly<SchemaOptions> = {
  schema: 'core',
  customTags: (tags: Tags): Tags => [kubeInt, kubeFloat, ...tags],
};
