// Site-wide business data (read from tests/frameworks/shared/site.json at prerender time).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export default defineEventHandler(async () => {
  const site = JSON.parse(await readFile(join(process.cwd(), '../shared/site.json'), 'utf8'));
  return site.business;
});
