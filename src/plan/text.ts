/**
 * Checks on the characters of a manifest before it is parsed. The Kubernetes YAML decoder (go-yaml's reader)
 * refuses invalid UTF-8 and every control character but tab, line feed and carriage return; the `yaml`
 * package accepts both, and Node turns invalid bytes into U+FFFD when it decodes, so without these checks a
 * Secret would be applied with corrupted data or a NUL in it. Pure.
 */

/** What YAML allows in a stream (its c-printable set), which go-yaml enforces with the same ranges. */
const NOT_PRINTABLE = /[^\t\n\r\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** A character or byte the decoder refuses: its 1-based line, and what is wrong, for a message. */
export interface TextProblem {
  line: number;
  message: string;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The first character YAML does not allow in `text`, or undefined when there is none. */
export function nonPrintable(text: string): TextProblem | undefined {
  const m = NOT_PRINTABLE.exec(text);
  if (!m) return undefined;
  const code = m[0].codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const what = code === 0 ? `NUL character (${hex})` : `control character ${hex}`;
  return { line: lineOf(text, m.index), message: `${what} is not allowed` };
}

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The byte offset of the first sequence that is not UTF-8 (RFC 3629: no overlongs, surrogates or > U+10FFFF). */
function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] ?? 0;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const extra =
      lead >= 0xc2 && lead <= 0xdf
        ? 1
        : lead >= 0xe0 && lead <= 0xef
          ? 2
          : lead >= 0xf0 && lead <= 0xf4
            ? 3
            : 0;
    if (extra === 0 || i + extra >= bytes.length) return i;
    // The second byte's range is narrower after some leads: that is what rules out overlongs and surrogates.
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    const second = bytes[i + 1] ?? 0;
    if (second < low || second > high) return i;
    for (let k = 2; k <= extra; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += extra + 1;
  }
  return bytes.length;
}

/** Decodes `bytes` as UTF-8, or says on which line the first byte that is not UTF-8 is. */
export function decodeUtf8(
  bytes: Uint8Array,
): { ok: true; text: string } | { ok: false; problem: TextProblem } {
  try {
    return { ok: true, text: strict.decode(bytes) };
  } catch {
    const at = firstInvalidByte(bytes);
    let line = 1;
    for (let i = 0; i < at; i++) if (bytes[i] === 0x0a) line++;
    return { ok: false, problem: { line, message: 'invalid UTF-8 (the file must be UTF-8 text)' } };
  }
}
