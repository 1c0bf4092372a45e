// A screen's own stylesheet, loaded once when the screen is first shown (the CSP allows only
// files from the server, so no inline styles).
const loaded = new Set();

export function useStyle(href) {
  if (loaded.has(href)) return;
  loaded.add(href);
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = href;
  document.head.appendChild(link);
}
