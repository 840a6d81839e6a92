import { renderToString } from 'react-dom/server';
import { version } from 'react';
import { App } from './App.jsx';

export { version };
/** The server HTML of the app for `data` (what hydrateRoot later adopts). */
export function render(data) {
  return renderToString(<App initial={data} />);
}
