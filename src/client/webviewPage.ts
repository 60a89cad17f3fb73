/**
 * The page around every webview of the extension (Readiness report, Pipeline graph): one strict
 * Content-Security-Policy, written once. No inline script or style and nothing remote: styles and
 * images come only from the extension (`webview.cspSource`), and the one script must carry this
 * render's nonce (base64, and the policy holds no double quote, so both go in as they are). Pure,
 * so the pages are tested without a webview.
 */
export interface WebviewPageResources {
  /** `webview.cspSource`: the only origin styles and images may come from. */
  cspSource: string;
  /** A fresh random nonce per render; the page's script must carry it. */
  nonce: string;
  styleUri: string;
  scriptUri: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A whole page: `body` is trusted HTML that the caller has escaped; `title` is plain text. */
export function webviewPage(title: string, body: string, resources: WebviewPageResources): string {
  const csp = [`default-src 'none'`, `style-src ${resources.cspSource}`, `script-src 'nonce-${resources.nonce}'`, `img-src ${resources.cspSource} data:`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(resources.styleUri)}">
<title>${escapeHtml(title)}</title>
</head>
<body>
${body}
<script nonce="${resources.nonce}" src="${escapeHtml(resources.scriptUri)}"></script>
</body>
</html>`;
}
