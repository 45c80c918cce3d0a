import { runAction } from '../runtime/action.js';
import { main } from '../actions/rebuild-check/main.js';

await runAction(main);
