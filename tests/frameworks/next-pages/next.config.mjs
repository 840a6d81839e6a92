// Static export: `next build` writes out/ (HTML, /_next/static, and /_next/data/<buildId>/*.json
// for the getStaticProps pages, which the router fetches on client-side navigation).
export default {
  output: 'export',
  trailingSlash: true,
  poweredByHeader: false,
  // A fixed build id keeps the /_next/data/<buildId>/ paths stable across rebuilds.
  generateBuildId: async () => 'consent-dni-next-pages',
  turbopack: { root: import.meta.dirname },
};
