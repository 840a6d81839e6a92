import { PhonePage } from '../components/PhonePage';
import { pageProps } from '../lib/site';

export default function Contact(props) {
  return <PhonePage {...props} />;
}

export async function getStaticProps() {
  return { props: pageProps('contact') };
}
