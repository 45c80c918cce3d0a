import { runAction } from '../runtime/action.js';
import { main, post } from '../actions/go-cache/main.js';

await runAction(main, post);
