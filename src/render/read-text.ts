/**
 * Reads a file of the artifact as text the way the Kubernetes YAML decoder would accept it: UTF-8, and no
 * control characters. `readFile(path, 'utf8')` would turn invalid bytes into U+FFFD without a word, and the
 * object would be applied with corrupted data.
 */
import { readFile } from 'node:fs/promises';
import { buildFailed } from '../plan/errors.js';
import { decodeUtf8, nonPrintable } from '../plan/text.js';

/** The text of `abs`; `shown` (relative to the root) names it in the BuildFailed error. */
export async function readTextFile(abs: string, shown: string): Promise<string> {
  const decoded = decodeUtf8(await readFile(abs));
  if (!decoded.ok) throw buildFailed(`${shown}:${decoded.problem.line}: ${decoded.problem.message}`, shown);
  const bad = nonPrintable(decoded.text);
  if (bad) throw buildFailed(`${shown}:${bad.line}: invalid YAML: ${bad.message}`, shown);
  return decoded.text;
}
