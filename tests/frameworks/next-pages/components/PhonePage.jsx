import { useEffect, useState } from 'react';
import Head from 'next/head';
import Link from 'next/link';

// Compiled into the client bundle as a literal (not from __NEXT_DATA__).
const EMERGENCY_DISPLAY = '+1 503-555-0142';
const EMERGENCY_HREF = 'tel:+15035550142';

export function PhonePage({ business, page }) {
  const { phone } = business;
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return (
    <>
      <Head>
        <title>{page.title}</title>
      </Head>
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
        <nav><Link id="nav-link" href={page.link.href}>{page.linkText}</Link></nav>
      </main>
    </>
  );
}
