/** The console's browser entry: styles, then the app in the page's `<main>`. */
import './style.css';
import { startConsole } from './app';

startConsole(document);
