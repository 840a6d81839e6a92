import { loadSite } from '../lib/site';

export const metadata = { title: 'Harbor & Pine Plumbing', icons: { icon: 'data:,' } };

export default function RootLayout({ children }) {
  const { jsonLd } = loadSite();
  return (
    <html lang="en">
      <body>
        {/* Rendered by a server component: in the HTML and, as React elements, in the RSC payload. */}
        <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: JSON.stringify(jsonLd) }} />
        {children}
      </body>
    </html>
  );
}
