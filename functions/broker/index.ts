/**
 * The broker's entry point: a standalone, always-on server (not a Functions Framework
 * function). Importing this module starts it; everything it does lives in the sibling modules.
 */
import { main } from './main';

main();
