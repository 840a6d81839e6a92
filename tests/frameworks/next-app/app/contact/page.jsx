import { PhoneCard } from '../PhoneCard';
import { pageData } from '../../lib/site';

const KEY = 'contact';

export function generateMetadata() {
  return { title: pageData(KEY).page.title };
}

/** A server component: its own text is in the RSC payload as rendered elements. */
export default function Page() {
  const { business, page } = pageData(KEY);
  return (
    <main id="app-main" data-page={page.key}>
      <h1>{page.heading}</h1>
      <p className="lead">{page.lead}</p>
      <PhoneCard business={business} page={page} />
    </main>
  );
}
