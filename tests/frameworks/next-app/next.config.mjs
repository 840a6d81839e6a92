// Static export: `next build` writes out/ (HTML with inline self.__next_f RSC payloads, and the
// .txt RSC payloads the router fetches on client-side navigation).
export default {
  output: 'export',
  trailingSlash: true,
  poweredByHeader: false,
  // A fixed build id keeps the /_next/static/<buildId>/ paths stable across rebuilds.
  generateBuildId: async () => 'consent-dni-next-app',
  turbopack: { root: import.meta.dirname },
};
