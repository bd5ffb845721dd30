/**
 * The status page's stylesheet, inlined and allowed by its hash. Light and dark palettes follow the reader's
 * system setting; every state has a text label as well as a colour, and the pairs keep WCAG AA contrast.
 */
export const PAGE_STYLE = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --border: #d1d9e0; --card: #f6f8fa;
  --ok-bg: #dafbe1; --ok-fg: #116329; --fail-bg: #ffebe9; --fail-fg: #a40e26;
  --warn-bg: #fff8c5; --warn-fg: #6c4400; --info-bg: #ddf4ff; --info-fg: #0a3069;
  --neutral-bg: #eaeef2; --neutral-fg: #3d444d; --focus: #0969da;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --border: #3d444d; --card: #151b23;
    --ok-bg: #12361f; --ok-fg: #7ee2a1; --fail-bg: #4c1219; --fail-fg: #ffaba4;
    --warn-bg: #3b2e00; --warn-fg: #f0c85a; --info-bg: #0c2d6b; --info-fg: #a5d6ff;
    --neutral-bg: #2a313c; --neutral-fg: #d1d7e0; --focus: #4493f8;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif; }
header { display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; align-items: baseline;
  padding: 1rem 1.5rem; border-bottom: 1px solid var(--border); }
h1 { font-size: 1.3rem; margin: 0; }
h2 { font-size: 1.1rem; margin: 1.75rem 0 .5rem; }
h3 { font-size: 1rem; margin: 1.25rem 0 .4rem; display: flex; flex-wrap: wrap; gap: .5rem; align-items: baseline; }
main { padding: 0 1.5rem 2rem; }
.controls { margin-left: auto; display: flex; gap: 1rem; align-items: center; }
button { font: inherit; padding: .2rem .75rem; border: 1px solid var(--border); border-radius: 6px;
  background: var(--card); color: var(--fg); cursor: pointer; }
:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
[hidden] { display: none !important; }
.vh { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.muted { color: var(--muted); }
.small { font-size: .8rem; }
#announce { margin: 1rem 0 0; }
#error { background: var(--fail-bg); color: var(--fail-fg); padding: .5rem 1rem; border-radius: 6px; margin-top: 1rem; }
.tiles { display: flex; flex-wrap: wrap; gap: .75rem; list-style: none; padding: 0; margin: 0; }
.tile { display: flex; flex-direction: column; min-width: 8.5rem; padding: .6rem 1rem;
  background: var(--card); border: 1px solid var(--border); border-radius: 8px; }
.tile .value { font-size: 1.6rem; font-weight: 600; }
.tile .label { color: var(--muted); }
.tile.ready .value { color: var(--ok-fg); }
.tile.failed .value { color: var(--fail-fg); }
.tile.suspended .value { color: var(--warn-fg); }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .45rem .6rem; border-bottom: 1px solid var(--border); }
thead th { font-size: .75rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
tbody th { font-weight: 600; }
td.message { min-width: 16rem; max-width: 48rem; white-space: pre-wrap; overflow-wrap: anywhere; }
code { font: .85em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
code.rev, time { white-space: nowrap; }
td.url { min-width: 18rem; }
.badge { display: inline-block; padding: .05rem .55rem; border-radius: 999px; font-size: .8rem;
  font-weight: 600; white-space: nowrap; }
.badge.ready { background: var(--ok-bg); color: var(--ok-fg); }
.badge.failed { background: var(--fail-bg); color: var(--fail-fg); }
.badge.progressing { background: var(--info-bg); color: var(--info-fg); }
.badge.suspended { background: var(--warn-bg); color: var(--warn-fg); }
.badge.unknown, .badge.neutral { background: var(--neutral-bg); color: var(--neutral-fg); }
.role { font-size: .75rem; font-weight: 600; padding: .05rem .45rem; border-radius: 4px;
  background: var(--neutral-bg); color: var(--neutral-fg); }
.role.platform { background: var(--info-bg); color: var(--info-fg); }
.who { font-weight: normal; font-size: .85rem; }
ul.plain { list-style: none; padding: 0; margin: 0; }
`;
