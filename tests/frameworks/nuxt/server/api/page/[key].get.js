// Per-page data (read from tests/frameworks/shared/site.json at prerender time).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export default defineEventHandler(async (event) => {
  const key = getRouterParam(event, 'key');
  const site = JSON.parse(await readFile(join(process.cwd(), '../shared/site.json'), 'utf8'));
  if (!site.pages[key]) throw createError({ statusCode: 404, statusMessage: 'no such page' });
  const link = key === 'index' ? { href: '/contact/' } : { href: '/' };
  return { page: { key, ...site.pages[key], link } };
});
