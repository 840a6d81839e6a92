// Build-time only (used from getStaticProps, which Next strips from the client bundle).
import fs from 'node:fs';
import path from 'node:path';

export function pageProps(key) {
  const site = JSON.parse(fs.readFileSync(path.join(process.cwd(), '../shared/site.json'), 'utf8'));
  const link = key === 'index' ? { href: '/contact/' } : { href: '/' };
  return { business: site.business, page: { key, ...site.pages[key], link } };
}
