import { runAction } from '../runtime/action.js';
import { main } from '../actions/summary/main.js';

await runAction(main);
