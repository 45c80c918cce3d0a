import { runAction } from '../runtime/action.js';
import { main } from '../actions/scan/main.js';

await runAction(main);
