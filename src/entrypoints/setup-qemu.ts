import { runAction } from '../runtime/action.js';
import { main } from '../actions/setup-qemu/main.js';

await runAction(main);
