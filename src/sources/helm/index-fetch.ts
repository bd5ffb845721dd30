/**
 * The poll of an HTTP Helm repository: one conditional GET of `<url>/index.yaml`. A 304, or a 200 whose bytes
 * hash to the digest already held, costs no parsing; anything new is parsed and schema-checked.
 */
import { createHash } from 'node:crypto';
import { download } from './http.js';
import { parseIndex } from './index-parse.js';
import type { BasicAuth, ParsedIndex } from './types.js';

/** What makes the next request conditional. */
export interface IndexValidators {
  etag?: string;
  lastModified?: string;
}

export interface FetchIndexOptions {
  /** The repository URL (`https://charts.example.com/stable`); the index is `<url>/index.yaml`. */
  url: string;
  auth?: BasicAuth | undefined;
  /** Allow plain http (the HelmRepository's `insecure`). */
  insecure?: boolean | undefined;
  timeoutMs: number;
  /** Cap on the index size, enforced while it downloads (`helm.maxIndexBytes`). */
  maxBytes: number;
  /** The last index fetched from this same URL: its digest and validators. */
  previous?: ({ digest: string } & IndexValidators) | undefined;
  /** Names the repository in messages: `HelmRepository default/podinfo`. */
  repository: string;
  userAgent?: string | undefined;
  signal?: AbortSignal | undefined;
}

export type IndexFetchResult =
  /** The server answered 304, or sent the same bytes again. */
  | { notModified: true; validators: IndexValidators }
  | {
      notModified: false;
      index: ParsedIndex;
      /** `sha256:<hex>` of the index bytes. */
      digest: string;
      size: number;
      bytes: Buffer;
      validators: IndexValidators;
    };

/** The index URL helm uses: the repository URL without trailing slashes, plus `/index.yaml`. */
export function indexUrl(repositoryUrl: string): string {
  const url = new URL(repositoryUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/index.yaml`;
  return url.href;
}

/** Fetches the index; throws HelmSourceError (TooLarge, Unauthorized, InvalidIndex, ...) naming the repository. */
export async function fetchIndex(opts: FetchIndexOptions): Promise<IndexFetchResult> {
  const what = `index.yaml of ${opts.repository}`;
  let url: string;
  try {
    url = indexUrl(opts.url);
  } catch {
    url = opts.url; // download() reports the invalid URL with the repository's name
  }
  const res = await download(url, {
    auth: opts.auth,
    authOrigin: originOf(opts.url),
    allowHttp: opts.insecure === true,
    timeoutMs: opts.timeoutMs,
    maxBytes: opts.maxBytes,
    what,
    limitName: 'helm.maxIndexBytes',
    etag: opts.previous?.etag,
    lastModified: opts.previous?.lastModified,
    userAgent: opts.userAgent,
    signal: opts.signal,
  });
  if (res.notModified) return { notModified: true, validators: validatorsOf(opts.previous ?? {}) };
  const validators = validatorsOf(res);
  const digest = `sha256:${createHash('sha256').update(res.body).digest('hex')}`;
  if (digest === opts.previous?.digest) return { notModified: true, validators };
  const index = parseIndex(res.body.toString('utf8'), { what });
  return { notModified: false, index, digest, size: res.body.byteLength, bytes: res.body, validators };
}

function validatorsOf(v: IndexValidators): IndexValidators {
  return {
    ...(v.etag !== undefined ? { etag: v.etag } : {}),
    ...(v.lastModified !== undefined ? { lastModified: v.lastModified } : {}),
  };
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}
