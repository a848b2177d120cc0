import { escapeHtml } from './escape-html.js'

/** What the page's markup needs; the page script reads the rest from the API. */
export interface PageOptions {
  prefix: string
  defaultDateSpan: number
  /** Changes whenever the assets do, so browsers never mix an old script with a new page. */
  assetVersion: string
  /** API paths (`stats?…`) the page will ask for first: the browser fetches them while it loads the script. */
  preload?: readonly string[]
}

/**
 * The policy sent with the page: its own script and styles only, no inline script, no other origin.
 * `style-src` allows the style attributes that uPlot sets through the DOM, nothing inline in markup.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

/**
 * The dashboard's HTML shell; the script in `web/` fills it from the JSON API. The empty icon keeps
 * browsers from asking the app for `/favicon.ico`, which statgraph would record as a 404.
 */
export function renderPage(options: PageOptions): string {
  const prefix = escapeHtml(options.prefix)
  const version = encodeURIComponent(options.assetVersion)
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Statistics</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${prefix}/assets/app.css?v=${version}">
${(options.preload ?? []).map((path) => `<link rel="preload" as="fetch" crossorigin="anonymous" href="${prefix}/api/${escapeHtml(path)}">\n`).join('')}
<script type="module" src="${prefix}/assets/app.js?v=${version}"></script>
</head>
<body data-prefix="${prefix}" data-default-date-span="${options.defaultDateSpan}">
<noscript>The statistics page needs JavaScript. The same numbers are at <a href="${prefix}/api/stats">${prefix}/api/stats</a>.</noscript>
</body>
</html>
`
}
