import { runAction } from '../runtime/action.js';
import { readInputs } from '../actions/build-push/inputs.js';

// inputs first: a bad one is reported before the builders and the registry client load
await runAction(async () => {
  const inputs = readInputs();
  const { main } = await import('../actions/build-push/main.js');
  await main(inputs);
});
