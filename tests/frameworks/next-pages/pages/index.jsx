import { PhonePage } from '../components/PhonePage';
import { pageProps } from '../lib/site';

export default function Index(props) {
  return <PhonePage {...props} />;
}

export async function getStaticProps() {
  return { props: pageProps('index') };
}
