// The readiness report's only script (loaded with the page's CSP nonce). Each button carries the
// message to post in `data-message`; the extension does the work, the page only forwards clicks.
// @ts-check
(function () {
  // eslint-disable-next-line no-undef
  const vscode = acquireVsCodeApi();
  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target.closest('button[data-message]') : null;
    if (!(target instanceof HTMLButtonElement)) return;
    vscode.postMessage(JSON.parse(target.dataset.message || '{}'));
  });
  // Tells the extension what the page really shows once it has loaded: the score and every button
  // with the message it posts (the extension host cannot see the webview's DOM otherwise).
  const buttons = Array.from(document.querySelectorAll('button[data-message]')).map((button) => ({
    label: (button.textContent || '').trim(),
    message: JSON.parse(button instanceof HTMLElement ? button.dataset.message || '{}' : '{}'),
  }));
  const scores = Array.from(document.querySelectorAll('.score .value')).map((e) => Number(e.textContent));
  vscode.postMessage({ type: 'rendered', scores, buttons });
})();
