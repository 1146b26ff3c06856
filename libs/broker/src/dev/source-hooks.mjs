// Lets Node run this package's TypeScript sources directly (Node ≥ 23.6 strips erasable types):
// sources import siblings as `./x.js` (NodeNext style), so a `.js` specifier that does not exist
// is retried as `.ts`. Used to start the broker as a child process from the sources, without a
// build, e.g. `node --import ./src/dev/source-hooks.mjs src/main.ts`.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !specifier.startsWith('.') || !specifier.endsWith('.js'))
        throw error;
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
    }
  },
});
