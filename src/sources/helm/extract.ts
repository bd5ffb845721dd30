/**
 * Safe extraction of a chart archive. Charts come from anyone who can publish to a repository, so nothing in
 * the archive is trusted: every check below refuses the whole chart, naming the entry, rather than skipping or
 * rewriting it (tar's own defaults strip `/` and `..` and carry on, which hides an attack).
 *
 * - the archive must be gzip and at most `maxChartBytes`;
 * - the extracted size is counted from each entry's header before its data is written, and refused past
 *   `maxChartExpandedBytes` or `maxExpansionRatio` times the archive size (a decompression bomb);
 * - no absolute paths, no `..`, no symlinks, hard links, devices or FIFOs;
 * - exactly one top-level directory, holding Chart.yaml (what `helm package` writes);
 * - files are created exclusively (no overwrite), in a fresh temporary directory renamed into place at the end,
 *   so a reader never sees half a chart.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { lstat, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { ReadEntry } from 'tar';
import { Parser } from 'tar';
import { HelmSourceError } from './errors.js';
import type { ChartLimits } from './types.js';
import { DEFAULT_MAX_CHART_ENTRIES } from './types.js';

export interface ExtractedChart {
  /** The chart root: `dest`, holding Chart.yaml. */
  dir: string;
  /** The archive's top-level directory name (the chart's name, for `helm package` archives). */
  topLevel: string;
  files: number;
  /** Total bytes of the extracted files. */
  bytes: number;
}

/** Bytes handed to the parser at a time: with tar's own ratio cap, this bounds what one write inflates to. */
const SLICE = 64 * 1024;

/**
 * Extracts `tgz` so that `dest` (which must not exist) becomes the chart root. `what` names the chart in
 * messages (`chart podinfo 6.5.0`).
 */
export async function extractChart(
  tgz: Buffer,
  dest: string,
  limits: ChartLimits,
  what = 'chart archive',
): Promise<ExtractedChart> {
  const refuse = (reason: string, entry?: string) =>
    new HelmSourceError('UnsafeArchive', `${what}: ${reason}`, entry === undefined ? {} : { entry });
  if (tgz.byteLength > limits.maxChartBytes)
    throw refuse(
      `the archive is ${tgz.byteLength} bytes, over the ${limits.maxChartBytes} byte limit (helm.maxChartBytes)`,
    );
  if (tgz[0] !== 0x1f || tgz[1] !== 0x8b)
    throw new HelmSourceError('InvalidChart', `${what}: not a gzip-compressed tar archive`);
  const tmp = `${dest}.tmp-${randomBytes(6).toString('hex')}`;
  await mkdir(tmp, { recursive: false }).catch(async (err: unknown) => {
    if ((err as { code?: string }).code !== 'ENOENT') throw err;
    await mkdir(dirname(tmp), { recursive: true });
    await mkdir(tmp);
  });
  try {
    const state = await unpack(tgz, tmp, limits, refuse, what);
    if (state.topLevel === undefined)
      throw new HelmSourceError('InvalidChart', `${what}: the archive is empty`);
    const root = join(tmp, state.topLevel);
    const chartYaml = await lstat(join(root, 'Chart.yaml')).catch(() => undefined);
    if (!chartYaml?.isFile())
      throw new HelmSourceError(
        'InvalidChart',
        `${what}: no Chart.yaml in the top-level directory '${state.topLevel}'`,
      );
    await rename(root, dest).catch((err: unknown) => {
      const code = (err as { code?: unknown }).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST')
        throw new HelmSourceError('Storage', `${what}: the destination directory already exists`);
      throw storageError(err, what);
    });
    return { dir: dest, topLevel: state.topLevel, files: state.files, bytes: state.bytes };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

interface State {
  topLevel?: string;
  files: number;
  entries: number;
  bytes: number;
}

/** Runs the parser over the archive, writing entries under `tmp` as they come; resolves when all are on disk. */
function unpack(
  tgz: Buffer,
  tmp: string,
  limits: ChartLimits,
  refuse: (reason: string, entry?: string) => HelmSourceError,
  what: string,
): Promise<State> {
  const state: State = { files: 0, entries: 0, bytes: 0 };
  const lim = {
    cap: Math.min(limits.maxChartExpandedBytes, limits.maxExpansionRatio * tgz.byteLength),
    maxEntries: limits.maxEntries ?? DEFAULT_MAX_CHART_ENTRIES,
    limits,
    tgzBytes: tgz.byteLength,
  };
  const writes: Promise<void>[] = [];
  const active = new Set<WriteStream>();
  const dirs = new Map<string, Promise<void>>();
  let failure: unknown;
  let settled = false;
  return new Promise<State>((resolve, reject) => {
    const settle = () => {
      if (settled) return;
      settled = true;
      void Promise.allSettled(writes).then((results) => {
        const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        const err = failure ?? rejected?.reason;
        if (err === undefined) resolve(state);
        else reject(err instanceof HelmSourceError ? err : storageError(err, what));
      });
    };
    // The first failure wins; files being written are closed so that nothing waits on an entry never finished.
    const fail = (err: unknown) => {
      failure ??= err;
      for (const out of active) out.destroy();
      parser.abort(err instanceof Error ? err : new Error(String(err)));
      settle();
    };
    const parser = new Parser({
      strict: true,
      brotli: false,
      zstd: false,
      // tar's own cap counts headers too; ours, on file contents, is the one that normally trips.
      maxDecompressionRatio: Math.max(1000, limits.maxExpansionRatio * 4),
      onReadEntry: (entry: ReadEntry) => {
        if (failure !== undefined) {
          entry.resume();
          return;
        }
        let target: Admitted | undefined;
        try {
          target = admit(entry, state, lim, refuse);
        } catch (err) {
          entry.resume();
          fail(err);
          return;
        }
        if (target === undefined || target.dir) entry.resume();
        if (target === undefined) return;
        const path = join(tmp, ...target.parts);
        const write = target.dir ? mkdirOnce(path, dirs) : writeEntry(entry, path, dirs, active);
        const name = entry.path;
        writes.push(
          write.catch((err: unknown) =>
            fail(
              isClash(err)
                ? refuse(`entry ${JSON.stringify(name)} names a path already extracted`, name)
                : err,
            ),
          ),
        );
      },
    });
    parser.on('error', (err: Error) => {
      if (failure === undefined) fail(err instanceof HelmSourceError ? err : tarError(err, what));
    });
    parser.on('end', settle);
    feed(parser, tgz).catch(fail);
  });
}

/** Writes the archive in slices, waiting whenever the parser (an entry being written) asks to. */
async function feed(parser: Parser, tgz: Buffer): Promise<void> {
  let aborted = false;
  parser.once('abort', () => {
    aborted = true;
  });
  for (let at = 0; at < tgz.byteLength && !aborted; at += SLICE) {
    if (parser.write(tgz.subarray(at, at + SLICE))) continue;
    await new Promise<void>((resolve) => {
      parser.once('drain', resolve);
      parser.once('abort', resolve);
    });
  }
  if (!aborted) parser.end();
}

interface Admitted {
  parts: string[];
  dir: boolean;
}

/** Checks one entry against every rule; the path parts to write it at, or undefined for a no-op `./`. */
function admit(
  entry: ReadEntry,
  state: State,
  lim: { cap: number; maxEntries: number; limits: ChartLimits; tgzBytes: number },
  refuse: (reason: string, entry?: string) => HelmSourceError,
): Admitted | undefined {
  const name = entry.path;
  const shown = JSON.stringify(name.length > 200 ? `${name.slice(0, 200)}...` : name);
  if (++state.entries > lim.maxEntries) throw refuse(`more than ${lim.maxEntries} entries`, name);
  const type = entry.type;
  const dir = type === 'Directory';
  if (!dir && type !== 'File' && type !== 'OldFile' && type !== 'ContiguousFile') {
    const kind =
      type === 'SymbolicLink'
        ? 'a symbolic link'
        : type === 'Link'
          ? 'a hard link'
          : type === 'CharacterDevice' || type === 'BlockDevice'
            ? 'a device'
            : type === 'FIFO'
              ? 'a FIFO'
              : `an entry of type ${type}`;
    throw refuse(`entry ${shown} is ${kind}; charts may hold only files and directories`, name);
  }
  if (name.includes('\0') || name.includes('\\'))
    throw refuse(`entry ${shown} has a backslash or NUL in its name`, name);
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name))
    throw refuse(`entry ${shown} has an absolute path`, name);
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw refuse(`entry ${shown} leads out of the chart directory ('..')`, name);
  const top = parts[0];
  if (top === undefined) return undefined;
  if (state.topLevel === undefined) state.topLevel = top;
  else if (state.topLevel !== top)
    throw refuse(
      `the archive has more than one top-level directory ('${state.topLevel}' and '${top}'); a chart has one`,
      name,
    );
  if (dir) return { parts, dir };
  if (parts.length === 1) throw refuse(`file ${shown} is outside the chart's top-level directory`, name);
  state.files++;
  state.bytes += entry.size;
  if (state.bytes > lim.cap) {
    const byRatio = lim.cap < lim.limits.maxChartExpandedBytes;
    throw refuse(
      byRatio
        ? `the archive expands to more than ${lim.limits.maxExpansionRatio} times its ${lim.tgzBytes} bytes ` +
            `(helm.maxExpansionRatio), at entry ${shown}: refused as a decompression bomb`
        : `the archive expands to more than ${lim.limits.maxChartExpandedBytes} bytes ` +
            `(helm.maxChartExpandedBytes), at entry ${shown}`,
      name,
    );
  }
  return { parts, dir };
}

/** Creates a directory once; later callers wait for the same creation (a file may follow its directory at once). */
function mkdirOnce(path: string, dirs: Map<string, Promise<void>>): Promise<void> {
  let made = dirs.get(path);
  if (made === undefined) {
    made = mkdir(path, { recursive: true }).then(() => undefined);
    dirs.set(path, made);
  }
  return made;
}

/** Streams one file to disk, exclusively: a second entry with the same name fails instead of overwriting. */
async function writeEntry(
  entry: ReadEntry,
  path: string,
  dirs: Map<string, Promise<void>>,
  active: Set<WriteStream>,
): Promise<void> {
  await mkdirOnce(dirname(path), dirs);
  const out = createWriteStream(path, { flags: 'wx', mode: 0o644 });
  active.add(out);
  try {
    entry.pipe(out);
    await finished(out);
  } finally {
    active.delete(out);
  }
  if (out.bytesWritten !== entry.size) throw new Error(`short write of ${path}`);
}

function tarError(err: Error, what: string): HelmSourceError {
  const msg = err.message;
  if (/decompression ratio/.test(msg))
    return new HelmSourceError('UnsafeArchive', `${what}: ${msg}; refused as a decompression bomb`);
  return new HelmSourceError('InvalidChart', `${what}: not a valid chart archive (${msg})`);
}

/** A file over a file or a directory, or a directory over a file: the archive names one path twice. */
function isClash(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return code === 'EEXIST' || code === 'EISDIR' || code === 'ENOTDIR';
}

function storageError(err: unknown, what: string): HelmSourceError {
  const code = (err as { code?: unknown } | undefined)?.code;
  return new HelmSourceError(
    'Storage',
    `${what}: writing the chart failed (${typeof code === 'string' ? code : String(err)})`,
  );
}
