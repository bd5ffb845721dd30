/**
 * The status API's second line of defence against leaking credentials. Steward keeps secrets out of status and
 * events in the first place; these strip what a user may still have put in a URL (`https://user:token@host`)
 * before anything is served.
 */

/** `scheme://userinfo@`: the user info ends at the first `@` before any `/`, `?`, `#` or space. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi;

/**
 * A URL fit to show: no user info, query or fragment (either may carry a token). Something that does not parse
 * as a URL keeps only what precedes a `?` or `#`, without user info.
 */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.href;
  } catch {
    return redactText(url.split(/[?#]/, 1)[0] ?? '');
  }
}

/** Free text (condition and event messages) with the user info of every URL in it removed. */
export function redactText(text: string): string {
  return text.replace(USERINFO, '$1');
}
