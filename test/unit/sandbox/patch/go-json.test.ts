// Syntax error texts of Go's encoding/json/scanner.go (kept by sigs.k8s.io/json), which the apiserver returns in
// 400 responses for malformed patch bodies; type errors of encoding/json/decode.go UnmarshalTypeError.
import { describe, expect, it } from 'vitest';
import { goSyntaxError, parseJsonLikeGo, unmarshalTypeError } from '../../../../src/sandbox/patch/go-json.js';

describe('goSyntaxError (encoding/json/scanner.go)', () => {
  it.each([
    ['', 'unexpected end of JSON input'],
    ['   ', 'unexpected end of JSON input'],
    ['{', 'unexpected end of JSON input'],
    ['{"a":', 'unexpected end of JSON input'],
    ['[1', 'unexpected end of JSON input'],
    ['"abc', 'unexpected end of JSON input'],
    ['x', "invalid character 'x' looking for beginning of value"],
    ['{a:1}', "invalid character 'a' looking for beginning of object key string"],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
    ['[1 2]', "invalid character '2' after array element"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['{} x', "invalid character 'x' after top-level value"],
    ['01', "invalid character '1' after top-level value"],
    ['-', "invalid character ' ' in numeric literal"],
    ['-a', "invalid character 'a' in numeric literal"],
    ['1.', "invalid character ' ' after decimal point in numeric literal"],
    ['1.e5', "invalid character 'e' after decimal point in numeric literal"],
    ['1e', "invalid character ' ' in exponent of numeric literal"],
    ['1e+x', "invalid character 'x' in exponent of numeric literal"],
    ['tru', "invalid character ' ' in literal true (expecting 'e')"],
    ['nul!', "invalid character '!' in literal null (expecting 'l')"],
    ['fals', "invalid character ' ' in literal false (expecting 'e')"],
    ['"a\\q"', "invalid character 'q' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ['"a\tb"', "invalid character '\\t' in string literal"],
    ['"a\u0001"', "invalid character '\\x01' in string literal"],
    ["'a'", "invalid character '\\'' looking for beginning of value"],
    // Go scans bytes: the first byte of UTF-8 "é" (0xC3) prints as the rune U+00C3.
    ['é', "invalid character 'Ã' looking for beginning of value"],
  ])('%j → %s', (text, message) => {
    expect(goSyntaxError(text)).toBe(message);
  });

  it.each(['{}', '[]', '{"a":[1,2.5e-3,true,false,null,"x\\n"]}', ' 0 ', '-0.1E+2'])('accepts %j', (text) => {
    expect(goSyntaxError(text)).toBeUndefined();
    expect(parseJsonLikeGo(text)).toEqual(JSON.parse(text));
  });
});

describe('unmarshalTypeError (encoding/json/decode.go)', () => {
  it.each([
    [
      [1],
      'map[string]interface {}',
      undefined,
      'json: cannot unmarshal array into Go value of type map[string]interface {}',
    ],
    [
      's',
      'map[string]interface {}',
      undefined,
      'json: cannot unmarshal string into Go value of type map[string]interface {}',
    ],
    [
      1,
      'string',
      'jsonPatchOp.op',
      'json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string',
    ],
    [
      true,
      'handlers.jsonPatchOp',
      undefined,
      'json: cannot unmarshal bool into Go value of type handlers.jsonPatchOp',
    ],
  ])('%j into %s', (value, goType, field, message) => {
    expect(unmarshalTypeError(value, goType, field).message).toBe(message);
  });
});
