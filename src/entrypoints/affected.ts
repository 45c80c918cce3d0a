import { runAction } from '../runtime/action.js';
import { main } from '../actions/affected/main.js';

await runAction(main);
