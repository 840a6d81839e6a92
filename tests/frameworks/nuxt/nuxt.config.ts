// `nuxt generate`: every page prerendered to .output/public/ with its data in the HTML
// (<script type="application/json" id="__NUXT_DATA__">) and in <page>/_payload.json, which the
// client fetches on client-side navigation.
export default defineNuxtConfig({
  compatibilityDate: '2025-07-15',
  devtools: { enabled: false },
  telemetry: false,
  // A fixed build id keeps /_nuxt/builds/meta/<buildId>.json and the payload query stable.
  buildId: 'consent-dni-nuxt',
  app: {
    head: {
      htmlAttrs: { lang: 'en' },
      link: [{ rel: 'icon', href: 'data:,' }],
    },
  },
  nitro: {
    prerender: { routes: ['/', '/contact/'], crawlLinks: true },
  },
});
