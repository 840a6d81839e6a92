// The hydration guard's committed build (issue 13): assets/hydration-guard.min.js must be what
// `npm run build:guard` (esbuild --minify) makes of assets/hydration-guard.js today, carry the
// config placeholder exactly once (the worker replaces it with a JSON object), stay small
// (the target is under 2 KB gzip) and use nothing a strict CSP forbids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { ROOT } from '../support/worker.mjs';

const SOURCE = path.join(ROOT, 'assets/hydration-guard.js');
const MINIFIED = path.join(ROOT, 'assets/hydration-guard.min.js');
const PLACEHOLDER = '__DNI_GUARD_CONFIG__';

/** The build command of package.json's build:guard, run with its output to stdout. */
function rebuild() {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const args = pkg.scripts['build:guard'].split(/\s+/);
  assert.equal(args[0], 'esbuild', 'build:guard runs esbuild');
  const out = args.slice(1).filter((a) => !a.startsWith('--outfile='));
  assert.ok(out.includes('--minify'), 'build:guard minifies');
  return execFileSync(path.join(ROOT, 'node_modules/.bin/esbuild'), out, { cwd: ROOT, encoding: 'utf8' });
}

test('hydration guard: the committed minified file is the build of the source (run npm run build:guard)', () => {
  const committed = fs.readFileSync(MINIFIED, 'utf8');
  assert.equal(committed, rebuild(), 'assets/hydration-guard.min.js is stale: run `npm run build:guard` and commit it');
});

test('hydration guard: one config placeholder, no eval, no console, under 2 KB gzip', () => {
  const min = fs.readFileSync(MINIFIED, 'utf8');
  assert.equal(min.split(PLACEHOLDER).length - 1, 1, 'exactly one placeholder in the minified text');
  assert.doesNotMatch(min, /\beval\(|new Function|Function\(|console\.|setTimeout|setInterval|requestAnimationFrame/);
  assert.doesNotMatch(min, /<\/script/i, 'nothing that ends the inline <script> early');
  const gzip = zlib.gzipSync(min, { level: 9 }).length;
  console.log(`hydration guard: ${Buffer.byteLength(min)} B minified, ${gzip} B gzip -9`);
  assert.ok(gzip < 2048, `gzip size ${gzip} B`);
  // The worker's substitution gives valid JavaScript.
  const config = JSON.stringify({ pairs: [['+15035550142', '+15035550170']], attributes: ['aria-label', 'title', 'data-phone'] });
  assert.doesNotThrow(() => new Function(min.replace(PLACEHOLDER, config)), 'parses with the config substituted');
});

test('hydration guard: the source names the placeholder where the config is read', () => {
  const src = fs.readFileSync(SOURCE, 'utf8');
  assert.match(src, /const config = __DNI_GUARD_CONFIG__;/);
});
