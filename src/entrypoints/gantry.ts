import { runAction } from '../runtime/action.js';
import { main } from '../actions/gantry/main.js';

await runAction(main);
