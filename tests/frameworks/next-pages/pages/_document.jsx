// Server-only (never hydrated): the JSON-LD block goes here so it is in the HTML head and
// not in __NEXT_DATA__ or the client bundle.
import fs from 'node:fs';
import path from 'node:path';
import { Html, Head, Main, NextScript } from 'next/document';

export default function Document() {
  const { jsonLd } = JSON.parse(fs.readFileSync(path.join(process.cwd(), '../shared/site.json'), 'utf8'));
  return (
    <Html lang="en">
      <Head>
        <link rel="icon" href="data:," />
        <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: JSON.stringify(jsonLd) }} />
      </Head>
      <body>
        <Main />
        <NextScript />
      </body>
    </Html>
  );
}
