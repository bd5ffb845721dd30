/**
 * RFC 8288 `Link` headers as the Distribution API uses them for pagination:
 * `Link: </v2/charts/x/tags/list?last=b&n=2>; rel="next"`. Pure.
 */
import { OciError } from './errors.js';

const LINK = /<([^>]*)>([^<]*)/g;
const REL = /(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i;

/**
 * The absolute URL of the `rel="next"` link, resolved against the URL of the page that carried it (links may
 * be relative or absolute); undefined on the last page. A next link that is not a URL is a protocol error, since
 * dropping it would silently truncate the list.
 */
export function nextLink(header: string | null | undefined, pageUrl: string): string | undefined {
  if (header === null || header === undefined) return undefined;
  for (const m of header.matchAll(LINK)) {
    const rel = REL.exec(m[2] ?? '');
    const values = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (!values.includes('next')) continue;
    try {
      return new URL(m[1] ?? '', pageUrl).href;
    } catch {
      throw new OciError('protocol', 'the registry sent a next-page Link that is not a valid URL');
    }
  }
  return undefined;
}
