'use client';
import { useEffect, useState } from 'react';
import Link from 'next/link';

// Compiled into the client bundle as a literal (not from the RSC payload).
const EMERGENCY_DISPLAY = '+1 503-555-0142';
const EMERGENCY_HREF = 'tel:+15035550142';

/** A client component: its props (business, page) travel in the RSC payload. */
export function PhoneCard({ business, page }) {
  const { phone } = business;
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return (
    <section id="phone-card">
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
    </section>
  );
}
