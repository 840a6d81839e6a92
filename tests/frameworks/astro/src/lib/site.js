// Build-time only (used from .astro frontmatter, which never ships to the browser).
import fs from 'node:fs';
import path from 'node:path';

export function loadSite() {
  return JSON.parse(fs.readFileSync(path.join(process.cwd(), '../shared/site.json'), 'utf8'));
}

export function pageData(key) {
  const site = loadSite();
  const link = key === 'index' ? { href: '/contact/' } : { href: '/' };
  return { business: site.business, page: { key, ...site.pages[key], link }, jsonLd: site.jsonLd };
}
