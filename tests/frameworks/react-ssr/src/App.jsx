// The page both React variants render: on the server at build time (renderToString) and in
// the browser (hydrateRoot) from the same data, read from the page's
// <script type="application/json" id="__DATA__"> island. Client-side navigation fetches the
// next page's data from /data/<page>.json.
import { useEffect, useState } from 'react';

// Compiled into the client bundle as a literal (not from the data island): what the issue's
// "hydration guard" is for.
const EMERGENCY_DISPLAY = '+1 503-555-0142';
const EMERGENCY_HREF = 'tel:+15035550142';

export function Page({ business, page, hydrated, onNavigate }) {
  const { phone } = business;
  return (
    <main id="app-main" data-page={page.key}>
      <h1>{page.heading}</h1>
      <p className="lead">{page.lead}</p>
      <p>
        <a className="phone" id="phone-link" href={`tel:${phone.e164}`} aria-label={phone.label}>{phone.display}</a>
      </p>
      <p className="text-us">Text us at <span className="phone-dotted">{phone.dotted}</span></p>
      <p className="note" dangerouslySetInnerHTML={{ __html: page.noteHtml }} />
      <p className="emergency">Emergency desk: <a id="bundled-link" href={EMERGENCY_HREF}>{EMERGENCY_DISPLAY}</a></p>
      <p className="about">{business.about}</p>
      <p className="invoice" data-dni-skip="">Invoice no. <span id="invoice">{business.invoiceId}</span></p>
      <p id="hydration-state">{hydrated ? 'hydrated' : 'server'}</p>
      <nav>
        <a id="nav-link" href={page.link.href} onClick={(e) => {
          if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
          e.preventDefault();
          onNavigate?.(page.link.href);
        }}>{page.linkText}</a>
      </nav>
    </main>
  );
}

/** The client app: the first render matches the server HTML; the effect marks hydration. */
export function App({ initial }) {
  const [data, setData] = useState(initial);
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  useEffect(() => {
    const onPop = () => load(location.pathname).then(setData);
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const navigate = async (href) => {
    const next = await load(href);
    history.pushState(null, '', href);
    document.title = next.page.title;
    setData(next);
  };
  return <Page {...data} hydrated={hydrated} onNavigate={navigate} />;
}

export function dataUrl(pathname) {
  return pathname === '/' ? '/data/index.json' : `/data${pathname.replace(/\/$/, '')}.json`;
}

async function load(pathname) {
  const res = await fetch(dataUrl(pathname), { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${res.status} for ${pathname}`);
  return res.json();
}
