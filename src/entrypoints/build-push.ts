import { runAction } from '../runtime/action.js';
import { main } from '../actions/build-push/main.js';

await runAction(main);
