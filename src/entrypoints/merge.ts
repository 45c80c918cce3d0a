import { runAction } from '../runtime/action.js';
import { main } from '../actions/merge/main.js';

await runAction(main);
