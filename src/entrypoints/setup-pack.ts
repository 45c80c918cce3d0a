import { runAction } from '../runtime/action.js';
import { main } from '../actions/setup-pack/main.js';

await runAction(main);
