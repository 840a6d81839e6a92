// Server-only: the JSON-LD block goes into the prerendered <head>, not into the payload or
// the client bundle.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export default defineNitroPlugin((nitroApp) => {
  nitroApp.hooks.hook('render:html', (html) => {
    const { jsonLd } = JSON.parse(readFileSync(join(process.cwd(), '../shared/site.json'), 'utf8'));
    html.head.push(`<script type="application/ld+json">${JSON.stringify(jsonLd).replace(/</g, '\\u003c')}</script>`);
  });
});
