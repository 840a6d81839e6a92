// Static build (dist/): pages prerendered to HTML; the React island hydrates from its
// serialized props (<astro-island props="...">). <ClientRouter /> makes navigation
// client-side: it fetches the next page's HTML and swaps it in.
import { defineConfig } from 'astro/config';
import react from '@astrojs/react';

export default defineConfig({
  output: 'static',
  trailingSlash: 'always',
  build: { format: 'directory' },
  integrations: [react()],
  devToolbar: { enabled: false },
});
