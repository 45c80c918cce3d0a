import { runAction } from '../runtime/action.js';
import { main, post } from '../actions/setup-buildkit/main.js';

await runAction(main, post);
