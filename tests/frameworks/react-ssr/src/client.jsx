import { hydrateRoot } from 'react-dom/client';
import { App } from './App.jsx';

const initial = JSON.parse(document.getElementById('__DATA__').textContent);
hydrateRoot(document.getElementById('root'), <App initial={initial} />);
