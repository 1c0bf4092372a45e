// Placeholder until this screen is built.
import { html } from '../lib/html.js';

export default function Screen() {
  return html`<h1>準備中</h1>`;
}
