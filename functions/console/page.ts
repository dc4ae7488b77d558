import { ASSET_PREFIX, type AssetTable } from './assets';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text or an attribute value, escaped for HTML. */
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/**
 * The console's HTML shell: the question, and the links to the hashed script, stylesheet and
 * icon. No inline script or style (the CSP forbids both); the script builds the rest in `<main>`.
 */
export function consolePage(
  assets: Pick<AssetTable, 'script' | 'style' | 'icon'>,
  question: string,
): string {
  const asset = (name: string) => escapeHtml(`${ASSET_PREFIX}${name}`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="description" content="MultiVAC: feed it pages, let it learn, read its cited answer.">
<title>MultiVAC</title>
<link rel="icon" type="image/svg+xml" href="${asset(assets.icon)}">
<link rel="stylesheet" href="${asset(assets.style)}">
<script type="module" src="${asset(assets.script)}"></script>
</head>
<body>
<a class="skip-link" href="#main">Skip to the answer</a>
<header class="site-header">
<p class="brand">MultiVAC</p>
<h1 id="question">${escapeHtml(question)}</h1>
</header>
<main id="main" tabindex="-1">
<noscript><p>The console needs JavaScript; the API below works without it.</p></noscript>
</main>
<footer class="site-footer">
<p>The same API without the page: <code>GET /multivac</code>, <code>PUT /multivac/data</code>, <code>GET /multivac/data</code>, <code>POST /multivac</code>, <code>GET /multivac/jobs/{id}</code>.</p>
</footer>
</body>
</html>
`;
}
