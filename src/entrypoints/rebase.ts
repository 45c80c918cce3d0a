import { runAction } from '../runtime/action.js';
import { main } from '../actions/rebase/main.js';

await runAction(main);
